/* Timebok embed loader, for the clinic's own web page, next to the iframe from
 * Timebok → Innstillinger → "Generer bestillingslenker":
 *
 *   <iframe src="https://…/b/klinikk/" data-timebok-embed height="900" …></iframe>
 *   <script src="https://…/static/timebok/embed.js" async></script>
 *
 * The booking page inside the iframe posts its height ({type: "timebok:height", height: n});
 * this script sets the iframe's height to it, so the page grows and shrinks with its content
 * and never shows a scrollbar of its own. A message is used only when it comes from one of
 * the page's Timebok iframes (its window and its origin) and has exactly that shape.
 * Without this script the iframe keeps its fixed height and scrolls inside.
 *
 * Language: the iframe's src carries it (…/b/klinikk/?lang=en, offered by the link generator);
 * the page inside keeps it in its own links and forms, so nothing here needs to pass it on.
 */
(function () {
  "use strict";
  var MIN_HEIGHT = 150;
  var MAX_HEIGHT = 20000;

  function originOf(url) {
    try { return new URL(url, document.baseURI).origin; } catch (e) { return null; }
  }

  function frames() {
    return Array.prototype.slice.call(document.querySelectorAll("iframe[data-timebok-embed]"));
  }

  function frameFor(event) {
    var list = frames();
    for (var i = 0; i < list.length; i++) {
      if (list[i].contentWindow === event.source && originOf(list[i].src) === event.origin) { return list[i]; }
    }
    return null;
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || typeof data !== "object" || data.type !== "timebok:height") { return; }
    var height = data.height;
    if (typeof height !== "number" || !isFinite(height) || height <= 0) { return; }
    var frame = frameFor(event);
    if (!frame) { return; }
    var px = Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, Math.ceil(height)));
    frame.style.height = px + "px";
    frame.setAttribute("data-timebok-height", String(px));
  });

  // A page that loaded before this script ran has posted its height already: ask again.
  // The hello carries nothing, so it may go to any origin (a frame still on about:blank).
  function hello() {
    frames().forEach(function (frame) {
      if (frame.contentWindow) { frame.contentWindow.postMessage({ type: "timebok:hello" }, "*"); }
    });
  }
  hello();
  if (document.readyState !== "complete") { window.addEventListener("load", hello); }
})();

/* Inside an iframe on a clinic's page, tell the page how tall this page is, so embed.js there
 * can size the iframe to the content. Posts {type: "timebok:height", height: n} on load,
 * whenever the content's height changes, and when embed.js says hello. The height is not
 * secret, so it is posted to any origin; nothing else is ever posted. */
(function () {
  "use strict";
  if (window.parent === window) { return; }
  var last = -1;

  function height() {
    // The root element's own box: the content, not the iframe's viewport (which scrollHeight would be).
    return Math.ceil(document.documentElement.getBoundingClientRect().height);
  }

  function post(force) {
    var h = height();
    if (!force && h === last) { return; }
    last = h;
    window.parent.postMessage({ type: "timebok:height", height: h }, "*");
  }

  if (window.ResizeObserver) {
    new ResizeObserver(function () { post(false); }).observe(document.documentElement);
  }
  window.addEventListener("load", function () { post(true); });
  window.addEventListener("resize", function () { post(false); });
  window.addEventListener("message", function (event) {
    if (event.source === window.parent && event.data && event.data.type === "timebok:hello") { post(true); }
  });
  post(true);
})();

// Copy buttons on Innstillinger. Without JavaScript the buttons stay hidden and the
// readonly fields can be selected and copied by hand.
(function () {
  "use strict";
  var status = document.querySelector(".copy-status");
  function say(text) {
    if (status) { status.textContent = ""; window.setTimeout(function () { status.textContent = text; }, 50); }
  }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { say(status ? status.getAttribute("data-copied") : ""); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(done, function () {
          source.select();
          say(status ? status.getAttribute("data-failed") : "");
        });
      } else {
        source.select();
        try { document.execCommand("copy"); done(); } catch (e) { say(status ? status.getAttribute("data-failed") : ""); }
      }
    });
  });
  var result = document.getElementById("bestillingslenke");
  if (result && window.location.hash === "#bestillingslenke") { result.focus(); }
})();

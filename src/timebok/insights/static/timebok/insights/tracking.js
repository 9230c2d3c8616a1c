// The clinic's tracking links on the booking page, only after consent.
//
// - The consent ("Godta"/"Avslå") is remembered in localStorage, per clinic; nothing else is
//   stored, and nothing is sent before the visitor has chosen "Godta".
// - The search link is requested once per visit (a sessionStorage flag): when the page was
//   rendered after a search (data-event="search"), or when the booking page's script
//   dispatches `new CustomEvent("timebok:search")` on document.
// - The booked link is requested once on the receipt (data-event="booked"), or on the
//   event "timebok:booked".
// - A request is an image beacon of the configured URL exactly as configured, without a
//   referrer: no personal data, no appointment details, not the page's own URL.
// - What was requested is written to #tb-tracking's data-sent ("search", "search booked"), so
//   a test (or a curious clinic) can see it without watching the network.
(function () {
  "use strict";
  var root = document.getElementById("tb-tracking");
  if (!root) { return; }
  var slug = root.getAttribute("data-clinic") || "";
  var urls = { search: root.getAttribute("data-search-url") || "", booked: root.getAttribute("data-booked-url") || "" };
  var consentKey = "timebok-sporing:" + slug;
  var banner = document.getElementById("tb-consent");
  var change = document.querySelector(".tb-consent-change");
  var changeButton = document.getElementById("tb-consent-change");
  var status = document.querySelector(".tb-consent-status");
  var memory = { consent: null, sent: {} };
  var pending = {};

  function getConsent() {
    try { return window.localStorage.getItem(consentKey) || memory.consent; } catch (e) { return memory.consent; }
  }
  function setConsent(value) {
    memory.consent = value;
    try { window.localStorage.setItem(consentKey, value); } catch (e) { /* kept in memory for this page */ }
  }
  function once(flag) {
    // True the first time in this visit (tab session) for this flag.
    try {
      if (window.sessionStorage.getItem(flag)) { return false; }
      window.sessionStorage.setItem(flag, "1");
      return true;
    } catch (e) {
      if (memory.sent[flag]) { return false; }
      memory.sent[flag] = true;
      return true;
    }
  }
  function beacon(url) {
    var img = new Image();
    img.referrerPolicy = "no-referrer";
    img.decoding = "async";
    img.src = url;
  }
  function fire(kind, key) {
    if (!urls[kind]) { return; }
    if (getConsent() !== "granted") { pending[kind] = key || ""; return; }
    var flag = "timebok-sporing-" + kind + ":" + slug + (kind === "booked" ? ":" + (key || "") : "");
    if (once(flag)) {
      beacon(urls[kind]);
      var sent = root.getAttribute("data-sent");
      root.setAttribute("data-sent", sent ? sent + " " + kind : kind);
    }
  }
  function showBanner(show) {
    if (banner) { banner.hidden = !show; }
    if (change) { change.hidden = show; }
  }
  function announce() {
    if (!status) { return; }
    var value = getConsent();
    status.textContent = value === "granted" ? status.getAttribute("data-granted") :
      value === "denied" ? status.getAttribute("data-denied") : "";
  }

  if (banner) {
    banner.addEventListener("click", function (event) {
      var button = event.target.closest("[data-consent]");
      if (!button) { return; }
      setConsent(button.getAttribute("data-consent"));
      showBanner(false);
      announce();
      if (changeButton) { changeButton.focus(); }
      if (getConsent() === "granted") {
        Object.keys(pending).forEach(function (kind) { fire(kind, pending[kind]); });
      }
      pending = {};
    });
  }
  if (changeButton) {
    changeButton.addEventListener("click", function () {
      showBanner(true);
      var first = banner && banner.querySelector("[data-consent]");
      if (first) { first.focus(); }
    });
  }
  showBanner(!getConsent());
  if (getConsent()) { announce(); }

  var initial = root.getAttribute("data-event");
  if (initial === "search" || initial === "booked") { fire(initial, root.getAttribute("data-event-key")); }
  document.addEventListener("timebok:search", function () { fire("search"); });
  document.addEventListener("timebok:booked", function (event) {
    fire("booked", event.detail && event.detail.key ? String(event.detail.key) : "");
  });
  root.setAttribute("data-state", "ready");
})();

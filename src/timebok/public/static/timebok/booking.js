/* Timebok booking page: a small progressive enhancement. Without it the page works as
   plain GET/POST forms. With it, choosing a type, practitioner, month or day updates the
   calendar and the free times from the public API (/api/v1/) without reloading, and the
   typed form is never lost. It dispatches "timebok:search" on document when the visitor
   chooses a type, practitioner or day (for consent-based tracking, issue 4). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Summary page: a second click while the first is on its way does nothing (the server
  // is idempotent anyway).
  Array.prototype.forEach.call(document.querySelectorAll("form.confirm-form"), function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
      form.setAttribute("data-sent", "1");
    });
  });

  // After "Neste" with mistakes, or a failed confirmation: start at the explanation.
  // After "Rediger booking": the first field (autofocus, which some browsers skip in frames).
  var problems = document.getElementById("feil");
  var first = document.querySelector("[autofocus]");
  if (problems) { problems.focus(); } else if (first) { first.focus(); }

  var search = document.getElementById("sok");
  if (!search || !window.fetch || !window.URLSearchParams) { return; }

  var api = search.getAttribute("data-api");
  var typeSel = document.getElementById("timetype");
  var practSel = document.getElementById("behandler");
  var calBody = document.getElementById("cal-body");
  var caption = document.querySelector("#cal caption");
  var monthTitle = document.getElementById("month-title");
  var prevBtn = document.getElementById("prev-month");
  var nextBtn = document.getElementById("next-month");
  var timeList = document.getElementById("time-list");
  var timesStatus = document.getElementById("times-status");
  var hType = document.getElementById("h-timetype");
  var hPract = document.getElementById("h-behandler");
  var hDate = document.getElementById("h-dato");
  var texts = document.getElementById("js-texts");
  var ukemal = search.querySelector("input[name=ukemal]");
  // The language the patient chose (?lang= / the switch): page URLs keep it, and the API
  // answers in the page's language (day labels).
  var lang = search.querySelector("input[name=lang]");
  var pageLang = document.documentElement.lang || "nb";

  var state = {
    month: search.getAttribute("data-month"),
    minMonth: search.getAttribute("data-min-month"),
    maxMonth: search.getAttribute("data-max-month"),
    today: search.getAttribute("data-first-bookable"),
    day: hDate ? hDate.value : ""
  };

  function text(name) { return texts ? (texts.getAttribute("data-" + name) || "") : ""; }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function ymd(d) { return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }

  function parseDay(s) { return new Date(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10)); }

  function addMonths(ym, n) {
    var d = new Date(+ym.slice(0, 4), +ym.slice(5, 7) - 1 + n, 1);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1);
  }

  function monthEnd(ym) { return ymd(new Date(+ym.slice(0, 4), +ym.slice(5, 7), 0)); }

  function monthName(ym) {
    return new Date(+ym.slice(0, 4), +ym.slice(5, 7) - 1, 1)
      .toLocaleDateString(document.documentElement.lang || "nb", { month: "long", year: "numeric" });
  }

  // The page's own "ready" state: aria-busy="true" on the choices and the times from the
  // moment a choice changes (set synchronously, in the event handler) until everything that
  // choice started has been shown. Only the latest choice may change the page: an answer to
  // an older one ("generation") is dropped.
  var pending = 0;
  var generation = 0;
  var timesBox = document.getElementById("tider");

  function busy(delta) {
    pending += delta;
    [search, timesBox].forEach(function (el) {
      if (!el) { return; }
      if (pending > 0) { el.setAttribute("aria-busy", "true"); } else { el.removeAttribute("aria-busy"); }
    });
  }

  function act(run) {
    var gen = ++generation;
    busy(1);
    var done = function () { busy(-1); };
    var work;
    try { work = run(gen); } catch (e) { work = Promise.reject(e); }
    return Promise.resolve(work).then(done, done);
  }

  function current(gen) { return gen === generation; }

  function getJSON(path, params) {
    var query = new URLSearchParams();
    Object.keys(params).forEach(function (k) { if (params[k]) { query.set(k, params[k]); } });
    return fetch(api + path + "?" + query.toString(),
                 { headers: { Accept: "application/json", "Accept-Language": pageLang } })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); });
  }

  // A ukemal link asks the API for that week template's times only.
  function scoped(params) {
    if (ukemal) { params.ukemal = ukemal.value; }
    return params;
  }

  function pageUrl(extra) {
    var q = new URLSearchParams();
    if (ukemal) { q.set("ukemal", ukemal.value); }
    if (lang) { q.set("lang", lang.value); }
    q.set("timetype", typeSel.value);
    q.set("behandler", practSel.value);
    Object.keys(extra || {}).forEach(function (k) { if (extra[k]) { q.set(k, extra[k]); } });
    return search.getAttribute("action") + "?" + q.toString();
  }

  function fallback(extra) { window.location.assign(pageUrl(extra)); }

  function remember() {
    hType.value = typeSel.value;
    hPract.value = practSel.value;
    hDate.value = state.day || "";
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", pageUrl({ dato: state.day }));
    }
  }

  function announceSearch() {
    try { document.dispatchEvent(new CustomEvent("timebok:search")); } catch (e) { /* old browser */ }
  }

  function updateInfo() {
    var opt = typeSel.options[typeSel.selectedIndex];
    var pairs = [["info-text", "data-info", "info-text"], ["info-price", "data-price", "info-price-row"],
                 ["info-place", "data-place", "info-place-row"]];
    pairs.forEach(function (p) {
      var value = opt.getAttribute(p[1]) || "";
      document.getElementById(p[0]).textContent = value;
      document.getElementById(p[2]).hidden = !value;
    });
  }

  function renderMonth(days) {
    var byDate = {};
    days.forEach(function (d) { byDate[d.date] = d; });
    var first = parseDay(state.month + "-01");
    var last = parseDay(monthEnd(state.month));
    var cursor = new Date(first);
    cursor.setDate(cursor.getDate() - ((cursor.getDay() + 6) % 7));
    while (calBody.firstChild) { calBody.removeChild(calBody.firstChild); }
    while (cursor <= last || cursor.getDay() !== 1) {
      var row = document.createElement("tr");
      for (var i = 0; i < 7; i++) {
        var cell = document.createElement("td");
        if (cursor.getMonth() === first.getMonth()) {
          var iso = ymd(cursor);
          var info = byDate[iso] || { level: "none", label: "" };
          var b = document.createElement("button");
          b.type = "submit";
          b.name = "dato";
          b.value = iso;
          b.className = "day day-" + info.level;
          b.setAttribute("aria-label", info.label || iso);
          if (info.level === "none") {
            b.disabled = true;
          } else {
            b.setAttribute("aria-pressed", iso === state.day ? "true" : "false");
          }
          var num = document.createElement("span");
          num.className = "num";
          num.textContent = String(cursor.getDate());
          var cue = document.createElement("span");
          cue.className = "cue";
          cue.setAttribute("aria-hidden", "true");
          b.appendChild(num);
          b.appendChild(cue);
          cell.appendChild(b);
        }
        row.appendChild(cell);
        cursor.setDate(cursor.getDate() + 1);
      }
      calBody.appendChild(row);
    }
    var name = monthName(state.month);
    monthTitle.textContent = name;
    if (caption) { caption.textContent = text("caption").replace("%s", name); }
    prevBtn.disabled = state.month <= state.minMonth;
    nextBtn.disabled = state.month >= state.maxMonth;
    prevBtn.value = addMonths(state.month, -1);
    nextBtn.value = addMonths(state.month, 1);
  }

  function clearTimes(message) {
    while (timeList.firstChild) { timeList.removeChild(timeList.firstChild); }
    timesStatus.textContent = message;
  }

  function renderSlots(data, dayLabel) {
    clearTimes("");
    var anyPract = !practSel.value;
    data.slots.forEach(function (slot, i) {
      var wrap = document.createElement("div");
      wrap.className = "time-option";
      var input = document.createElement("input");
      input.type = "radio";
      input.name = "tid";
      input.id = "tid-" + (i + 1);
      input.value = slot.start;
      var label = document.createElement("label");
      label.setAttribute("for", input.id);
      label.appendChild(document.createTextNode(slot.start.slice(11, 16)));
      if (anyPract && slot.behandler_navn) {
        var who = document.createElement("span");
        who.className = "who";
        who.textContent = slot.behandler_navn;
        label.appendChild(who);
      }
      wrap.appendChild(input);
      wrap.appendChild(label);
      timeList.appendChild(wrap);
    });
    var n = data.slots.length;
    timesStatus.textContent = (n === 1 ? text("one") : text("many")).replace("%n", n).replace("%s", dayLabel);
  }

  function dayName(iso) {
    var b = calBody.querySelector("button[value='" + iso + "']");
    var label = b ? b.getAttribute("aria-label") : iso;
    return label.split(",")[0];
  }

  function selectDay(iso, announce, gen) {
    state.day = iso;
    Array.prototype.forEach.call(calBody.querySelectorAll("button.day:not([disabled])"), function (b) {
      b.setAttribute("aria-pressed", b.value === iso ? "true" : "false");
    });
    remember();
    if (announce) { announceSearch(); }
    if (!iso) { clearTimes(text("choose")); return Promise.resolve(); }
    clearTimes(text("loading"));
    return getJSON("slots", scoped({ timetype: typeSel.value, behandler: practSel.value, date: iso }))
      .then(function (data) { if (current(gen)) { renderSlots(data, dayName(iso)); } })
      .catch(function () { if (current(gen)) { fallback({ dato: iso }); } });
  }

  function loadMonth(gen) {
    return getJSON("availability", scoped({ timetype: typeSel.value, behandler: practSel.value,
                                            from: state.month + "-01", to: monthEnd(state.month) }))
      .then(function (data) {
        if (!current(gen)) { return data.days; }
        state.maxMonth = data.last_bookable.slice(0, 7);
        renderMonth(data.days);
        return data.days;
      });
  }

  // A new type or practitioner: open on the first free day, like the first page load.
  function openFirstFree(gen) {
    var end = ymd(new Date(parseDay(state.today).getTime() + 92 * 86400000));
    return getJSON("availability", scoped({ timetype: typeSel.value, behandler: practSel.value,
                                            from: state.today, to: end }))
      .then(function (data) {
        if (!current(gen)) { return null; }
        state.maxMonth = data.last_bookable.slice(0, 7);
        var free = data.days.filter(function (d) { return d.free > 0; })[0];
        state.month = free ? free.date.slice(0, 7) : state.minMonth;
        state.day = free ? free.date : "";
        return loadMonth(gen).then(function () {
          if (!current(gen)) { return null; }
          if (!free) { selectDay("", false, gen); clearTimes(text("none")); return null; }
          return selectDay(state.day, false, gen);
        });
      })
      .catch(function () { if (current(gen)) { fallback({}); } });
  }

  function refreshPractitioners(gen) {
    return getJSON("practitioners", scoped({ timetype: typeSel.value })).then(function (list) {
      if (!current(gen)) { return; }
      var chosen = practSel.value;
      // Keep "Første ledige behandler" (value ""); a ukemal link has no such option.
      Array.prototype.slice.call(practSel.options).forEach(function (opt) { if (opt.value) { opt.remove(); } });
      list.forEach(function (p) {
        var opt = document.createElement("option");
        opt.value = String(p.id);
        opt.textContent = p.title ? p.name + ", " + p.title : p.name;
        practSel.appendChild(opt);
      });
      var keep = list.some(function (p) { return String(p.id) === chosen; });
      practSel.value = keep ? chosen : (practSel.options.length ? practSel.options[0].value : "");
    });
  }

  typeSel.addEventListener("change", function () {
    updateInfo();
    announceSearch();
    act(function (gen) {
      return refreshPractitioners(gen).then(function () { return current(gen) ? openFirstFree(gen) : null; })
        .catch(function () { if (current(gen)) { fallback({}); } });
    });
  });

  practSel.addEventListener("change", function () {
    announceSearch();
    act(openFirstFree);
  });

  search.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button") : null;
    if (!button || button.disabled) { return; }
    if (button.name === "dato") {
      event.preventDefault();
      act(function (gen) { return selectDay(button.value, true, gen); });
    } else if (button.name === "maned") {
      event.preventDefault();
      state.month = button.value;
      act(function (gen) {
        return loadMonth(gen).then(function () {
          if (current(gen) && button.disabled) { monthTitle.setAttribute("tabindex", "-1"); monthTitle.focus(); }
        }).catch(function () { if (current(gen)) { fallback({ maned: button.value }); } });
      });
    }
  });

  search.addEventListener("submit", function (event) {
    // Enter in a select, or the hidden "show" button: update in place instead.
    if (!event.submitter || (event.submitter.name !== "dato" && event.submitter.name !== "maned")) {
      event.preventDefault();
      act(openFirstFree);
    }
  });
})();

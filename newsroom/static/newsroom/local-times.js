/* The newsroom's times for editors outside Hong Kong. The admin shows and takes times in the
   site's zone (Hong Kong); Django's widget only says "You are 8 hours behind server time".
   Where the browser's zone differs, that note becomes a clear line: the field's time is Hong
   Kong time, and the same moment in the editor's own zone, kept up to date as they type.
   <time datetime> values in the admin get the editor's local time beside them too.
   A static file (strict CSP: no inline script); the sentences come translated from the
   template, on this script's data attributes. */
(function () {
  "use strict";
  var script = document.currentScript;
  var text = script ? script.dataset : {};

  function serverOffsetSeconds() {
    var offset = parseInt(document.body.dataset.adminUtcOffset, 10);
    return isNaN(offset) ? null : offset;
  }

  function browserOffsetSeconds(date) {
    return -(date || new Date()).getTimezoneOffset() * 60;
  }

  function formatOffset(seconds) {
    var sign = seconds < 0 ? "\u2212" : "+";
    var minutes = Math.abs(seconds) / 60;
    var hours = Math.floor(minutes / 60);
    var rest = minutes % 60;
    return "UTC" + sign + String(hours).padStart(2, "0") + ":" + String(rest).padStart(2, "0");
  }

  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }

  function localFormat(date) {
    var lang = document.documentElement.lang || undefined;
    try {
      return new Intl.DateTimeFormat(lang, {
        weekday: "short", day: "numeric", month: "short", year: "numeric",
        hour: "2-digit", minute: "2-digit", hour12: false
      }).format(date);
    } catch (error) {
      return date.toString();
    }
  }

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (match, name) {
      return name in values ? values[name] : match;
    });
  }

  /* The moment a date and a time typed in the site's zone name, or null. */
  function momentOf(dateValue, timeValue, serverOffset) {
    var date = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/.exec(dateValue || "") ||
      /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(dateValue || "");
    var time = /^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$/.exec(timeValue || "");
    if (!date || !time) {
      return null;
    }
    var year, month, day;
    if (date[1].length === 4) {
      year = +date[1]; month = +date[2]; day = +date[3];
    } else {
      day = +date[1]; month = +date[2]; year = +date[3];
    }
    var utc = Date.UTC(year, month - 1, day, +time[1], +time[2], +(time[3] || 0));
    return new Date(utc - serverOffset * 1000);
  }

  function explainField(warning, serverOffset) {
    var row = warning.parentNode;
    var dateInput = row.querySelector("input.vDateField");
    var timeInput = row.querySelector("input.vTimeField");
    warning.classList.add("newsroom-local-time");
    warning.textContent = fill(text.fieldNote, {
      offset: formatOffset(serverOffset),
      zone: browserZone() || formatOffset(browserOffsetSeconds())
    });
    var local = document.createElement("span");
    local.className = "newsroom-local-time-value";
    warning.appendChild(document.createTextNode(" "));
    warning.appendChild(local);
    function update() {
      var moment = momentOf(dateInput && dateInput.value, timeInput && timeInput.value, serverOffset);
      local.textContent = moment ? fill(text.yourTime, { time: localFormat(moment) }) : "";
    }
    [dateInput, timeInput].forEach(function (input) {
      if (input) {
        input.addEventListener("input", update);
        input.addEventListener("change", update);
      }
    });
    // The calendar and clock widgets set the value without an input event.
    row.addEventListener("click", function () { window.setTimeout(update, 0); });
    update();
  }

  function annotateTimes() {
    document.querySelectorAll("#content time[datetime], .messagelist time[datetime]").forEach(function (element) {
      var moment = new Date(element.getAttribute("datetime"));
      if (isNaN(moment.getTime()) || element.dataset.localTime) {
        return;
      }
      var local = fill(text.yourTime, { time: localFormat(moment) });
      element.dataset.localTime = local;
      element.title = local;
      var note = document.createElement("span");
      note.className = "newsroom-local-time-value";
      note.textContent = " (" + local + ")";
      element.after(note);
    });
  }

  function run() {
    var serverOffset = serverOffsetSeconds();
    if (serverOffset === null || serverOffset === browserOffsetSeconds()) {
      return; // in Hong Kong's zone (or no offset to compare): nothing to explain
    }
    document.querySelectorAll(".timezonewarning").forEach(function (warning) {
      explainField(warning, serverOffset);
    });
    annotateTimes();
  }

  // After DateTimeShortcuts, which adds its warnings on window load.
  window.addEventListener("load", function () { window.setTimeout(run, 0); });
})();

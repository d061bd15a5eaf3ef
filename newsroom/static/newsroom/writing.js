/* HKAI newsroom: the writing screen of the article form (newsroom/widgets.py renders its
   markup; without this script the form is a plain form and works as one).

   - Live preview: the text is posted to the preview endpoint (newsroom/writing.py) as one
     types (debounced); it answers the article rendered by the article page's own code, in
     the site's own stylesheets, shown in a sandboxed frame. Its answer also carries the
     title's slug, made by the model's rule, which the slug field follows until edited.
   - Live counts: countText() mirrors core/text.py's count_text() and reading_minutes().
   - Autosave: the form's text is kept server-side every few seconds while it changes, and
     when the page is hidden; reopening the form offers to restore it.
   - A warning before leaving a form with unsaved changes.
   - A Markdown toolbar and keyboard shortcuts. The image button lets the image library
     (another script) take over through the cancelable "hkai:insert-image" event.

   No inline script or style anywhere: the strict Content Security Policy holds. */
(function () {
  "use strict";

  var HKAI = (window.HKAI = window.HKAI || {});

  // --- the reading-time rule (core/text.py; tests check both agree) -----------------------
  var ENGLISH_WORDS_PER_MINUTE = 238;
  var CHINESE_CHARACTERS_PER_MINUTE = 260;
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2ffff}]/gu;
  var WORD = /[\p{L}\p{N}]+(?:['\u2019][\p{L}\p{N}]+)*/gu;
  var LINK_TARGET = /\]\([^)]*\)/g;
  var TAG = /<[^>]*>/g;

  function countText(text) {
    text = (text || "").replace(LINK_TARGET, "] ").replace(TAG, " ");
    var characters = (text.match(HAN) || []).length;
    var words = (text.replace(HAN, " ").match(WORD) || []).length;
    return {
      words: words,
      characters: characters,
      readingMinutes: Math.ceil(words / ENGLISH_WORDS_PER_MINUTE + characters / CHINESE_CHARACTERS_PER_MINUTE),
    };
  }
  HKAI.countText = countText;

  // --- editing the textarea -------------------------------------------------------------

  /* Insert `text` at the cursor (replacing the selection) and fire "input", so that the
     preview, the counts, the autosave and the unsaved-changes state all follow. */
  function insertAtCursor(textarea, text) {
    textarea.focus();
    // execCommand keeps the browser's undo history; where it is refused, setRangeText.
    var inserted = false;
    try {
      inserted = document.execCommand("insertText", false, text);
    } catch (error) {
      inserted = false;
    }
    if (!inserted || textarea.value.indexOf(text) === -1) {
      textarea.setRangeText(text, textarea.selectionStart, textarea.selectionEnd, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }
  HKAI.insertAtCursor = insertAtCursor;

  function wrapSelection(textarea, before, after, placeholder) {
    var start = textarea.selectionStart;
    var selected = textarea.value.slice(start, textarea.selectionEnd) || placeholder;
    insertAtCursor(textarea, before + selected + after);
    textarea.setSelectionRange(start + before.length, start + before.length + selected.length);
  }

  function prefixLines(textarea, prefix) {
    var value = textarea.value;
    var start = value.lastIndexOf("\n", textarea.selectionStart - 1) + 1;
    var end = value.indexOf("\n", Math.max(textarea.selectionEnd - 1, start));
    if (end === -1) end = value.length;
    var lines = value.slice(start, end).split("\n").map(function (line) {
      return line.indexOf(prefix) === 0 ? line : prefix + line;
    });
    textarea.setSelectionRange(start, end);
    insertAtCursor(textarea, lines.join("\n"));
  }

  var ACTIONS = {
    heading: function (textarea) { prefixLines(textarea, "## "); },
    bold: function (textarea) { wrapSelection(textarea, "**", "**", "bold text"); },
    italic: function (textarea) { wrapSelection(textarea, "_", "_", "italic text"); },
    link: function (textarea) {
      var start = textarea.selectionStart;
      var label = textarea.value.slice(start, textarea.selectionEnd) || "link text";
      insertAtCursor(textarea, "[" + label + "](https://)");
      var url = start + label.length + 3;
      textarea.setSelectionRange(url, url + "https://".length);
    },
    quote: function (textarea) { prefixLines(textarea, "> "); },
    list: function (textarea) { prefixLines(textarea, "- "); },
    image: function (textarea) {
      var event = new CustomEvent("hkai:insert-image", {
        bubbles: true,
        cancelable: true,
        detail: { textarea: textarea },
      });
      // Nobody took it (the image library is not on this page): the plain Markdown.
      if (textarea.dispatchEvent(event)) insertAtCursor(textarea, "![alt text](https://)");
    },
  };

  function shortcutAction(event) {
    if (!(event.ctrlKey || event.metaKey)) return null;
    if (event.altKey) return event.code === "Digit2" ? "heading" : null;
    if (event.shiftKey) return { Digit8: "list", Digit9: "quote" }[event.code] || null;
    return { b: "bold", i: "italic", k: "link" }[event.key.toLowerCase()] || null;
  }

  // --- talking to the server ------------------------------------------------------------

  function field(form, name) {
    return form.elements.namedItem(name);
  }

  function value(form, name) {
    var element = field(form, name);
    return element && "value" in element ? element.value : "";
  }

  var TEXT_FIELDS = ["title", "slug", "standfirst", "body"];

  function textOf(form) {
    var text = {};
    TEXT_FIELDS.forEach(function (name) { text[name] = value(form, name); });
    return text;
  }

  function postData(form, values) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", value(form, "csrfmiddlewaretoken"));
    Object.keys(values).forEach(function (name) { data.append(name, values[name]); });
    return data;
  }

  function request(form, url, method, data) {
    return fetch(url, {
      method: method,
      body: data,
      credentials: "same-origin",
      // A logged-out session answers with a redirect to the login page: not a success.
      redirect: "manual",
      headers: { "X-CSRFToken": value(form, "csrfmiddlewaretoken"), "X-Requested-With": "fetch" },
    });
  }

  /* Everything the form would send (files left out), to tell whether it changed. */
  function serialize(form) {
    var pairs = [];
    new FormData(form).forEach(function (entry, name) {
      if (name !== "csrfmiddlewaretoken" && typeof entry === "string") pairs.push([name, entry]);
    });
    return JSON.stringify(pairs);
  }

  // --- one editor -----------------------------------------------------------------------

  var AUTOSAVE_EVERY_MS = 3000;
  var PREVIEW_DELAY_MS = 400;

  function setUp(editor) {
    var textarea = editor.querySelector("textarea");
    var form = textarea.form;
    if (!form) return;
    var stats = {
      words: editor.querySelector('[data-stat="words"]'),
      minutes: editor.querySelector('[data-stat="reading-minutes"]'),
    };
    // The preview frame: sandboxed (no script runs in it), same origin (the site's
    // stylesheets load in it under the page's policy).
    var frame = document.createElement("iframe");
    var previewPane = editor.querySelector(".md-preview");
    frame.className = "md-preview-frame";
    frame.title = previewPane.dataset.frameTitle;
    frame.setAttribute("sandbox", "allow-same-origin");
    previewPane.appendChild(frame);
    var status = editor.querySelector(".md-autosave-status");
    var slug = field(form, "slug");
    var slugFollowsTitle = !!(slug && slug.dataset.followsTitle === "true");

    editor.classList.add("md-enhanced");
    ["md-toolbar", "md-tabs", "md-preview"].forEach(function (name) {
      editor.querySelector("." + name).hidden = false;
    });

    // Toolbar and shortcuts.
    editor.querySelector(".md-toolbar").addEventListener("click", function (event) {
      var button = event.target.closest("[data-md-action]");
      if (button && ACTIONS[button.dataset.mdAction]) ACTIONS[button.dataset.mdAction](textarea);
    });
    textarea.addEventListener("keydown", function (event) {
      var action = shortcutAction(event);
      if (action) {
        event.preventDefault();
        ACTIONS[action](textarea);
      }
    });

    // Tabs (narrow screens; on wide ones the CSS shows both panes and hides the tabs).
    editor.querySelector(".md-tabs").addEventListener("click", function (event) {
      var tab = event.target.closest("[data-tab]");
      if (!tab) return;
      var preview = tab.dataset.tab === "preview";
      editor.classList.toggle("md-show-preview", preview);
      editor.querySelectorAll("[data-tab]").forEach(function (each) {
        each.setAttribute("aria-selected", String(each === tab));
      });
    });

    // Counts.
    function updateCounts() {
      var counts = countText(textarea.value);
      stats.words.textContent = String(counts.words + counts.characters);
      stats.minutes.textContent = String(counts.readingMinutes);
    }

    // Preview (and the slug that follows the title).
    var previewTimer = null;
    var previewSequence = 0;
    function updatePreview() {
      var sequence = ++previewSequence;
      var data = postData(form, {
        title: value(form, "title"),
        standfirst: value(form, "standfirst"),
        body: textarea.value,
        language: value(form, "language"),
      });
      request(form, editor.dataset.previewUrl, "POST", data)
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (answer) {
          if (sequence !== previewSequence) return; // a later answer is on its way
          frame.srcdoc = answer.document;
          editor.classList.remove("md-preview-stale");
          if (slugFollowsTitle && slug.value !== answer.slug) slug.value = answer.slug;
        })
        .catch(function () {
          if (sequence !== previewSequence) return;
          editor.classList.add("md-preview-stale");
          frame.title = editor.dataset.msgPreviewFailed;
        });
    }
    function schedulePreview() {
      window.clearTimeout(previewTimer);
      previewTimer = window.setTimeout(updatePreview, PREVIEW_DELAY_MS);
    }
    textarea.addEventListener("input", function () {
      updateCounts();
      schedulePreview();
    });
    ["title", "standfirst", "language"].forEach(function (name) {
      var element = field(form, name);
      if (element) {
        element.addEventListener("input", schedulePreview);
        element.addEventListener("change", schedulePreview);
      }
    });
    if (slug) {
      slug.addEventListener("input", function () { slugFollowsTitle = false; });
    }

    // Autosave.
    var autosaveUrl = editor.dataset.autosaveUrl;
    var lastKept = JSON.stringify(textOf(form));
    // While the restore offer is open, nothing is kept: that would overwrite the kept text
    // before its owner has said whether they want it back.
    var offerPending = false;
    function keep(useBeacon) {
      var text = textOf(form);
      var snapshot = JSON.stringify(text);
      if (offerPending || snapshot === lastKept) return;
      if (useBeacon && navigator.sendBeacon) {
        // The page is going away: the browser sends this even after it is gone.
        if (navigator.sendBeacon(autosaveUrl, postData(form, text))) lastKept = snapshot;
        return;
      }
      request(form, autosaveUrl, "POST", postData(form, text))
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (answer) {
          lastKept = snapshot;
          status.classList.remove("md-autosave-failed");
          status.textContent = editor.dataset.msgKept + " " + answer.saved_at_display;
        })
        .catch(function () {
          status.classList.add("md-autosave-failed");
          status.textContent = editor.dataset.msgNotKept;
        });
    }
    window.setInterval(keep, AUTOSAVE_EVERY_MS);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && !submitting) keep(true);
    });

    var offer = editor.querySelector(".md-autosave-offer");
    function closeOffer() {
      offer.hidden = true;
      offerPending = false;
    }
    request(form, autosaveUrl, "GET")
      .then(function (response) {
        return response.ok ? response.json() : { autosave: null };
      })
      .then(function (answer) {
        var kept = answer.autosave;
        if (!kept) return;
        // Form posts send line breaks as CRLF; a textarea's value has LF.
        TEXT_FIELDS.forEach(function (name) {
          kept.fields[name] = (kept.fields[name] || "").replace(/\r\n?/g, "\n");
        });
        if (JSON.stringify(kept.fields) === JSON.stringify(textOf(form))) return;
        var time = offer.querySelector(".md-autosave-time");
        time.dateTime = kept.saved_at;
        time.textContent = kept.saved_at_display;
        offer.hidden = false;
        offerPending = true;
        offer.querySelector('[data-autosave="restore"]').addEventListener("click", function () {
          TEXT_FIELDS.forEach(function (name) {
            var element = field(form, name);
            if (element && element.value !== kept.fields[name]) {
              element.value = kept.fields[name];
              element.dispatchEvent(new Event("input", { bubbles: true }));
            }
          });
          if (slug) slugFollowsTitle = false;
          closeOffer();
        });
        offer.querySelector('[data-autosave="discard"]').addEventListener("click", function () {
          request(form, autosaveUrl, "DELETE");
          closeOffer();
        });
      })
      .catch(function () {});

    // Leaving with unsaved changes.
    var initial = serialize(form);
    var submitting = false;
    form.addEventListener("submit", function () {
      submitting = true;
      // A slug still following the title is left to the server, which makes it from the
      // title as saved (a quick submit may beat the last preview).
      if (slugFollowsTitle) slug.value = "";
    });
    window.addEventListener("beforeunload", function (event) {
      if (submitting || serialize(form) === initial) return;
      event.preventDefault();
      event.returnValue = "";
    });

    updateCounts();
    updatePreview();
  }

  function start() {
    document.querySelectorAll(".md-editor").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

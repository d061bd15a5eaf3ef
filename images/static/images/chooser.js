/* The image chooser of the article form (images/admin.py: ImageAdmin.chooser_view).
 *
 * - The body: the writing toolbar's image button dispatches "hkai:insert-image" on the body
 *   textarea ({detail: {textarea}}); this script takes it (preventDefault), opens the
 *   library in a <dialog>, and writes the chosen image's Markdown, ![alt](image:42), at the
 *   cursor with window.HKAI.insertAtCursor when the toolbar provides it. Without a toolbar
 *   on the page it adds its own "Insert an image" button under the body.
 * - The hero: a button beside the hero field opens the same dialog and fills the field.
 * No inline script or style (strict CSP): the dialog's content is an HTML fragment from the
 * server, its words translated there.
 */
(function () {
  "use strict";

  var field = null;
  var dialog = null;
  var content = null;
  var onChosen = null;

  function chooserUrl() {
    return field ? field.dataset.imageChooserUrl : null;
  }

  function insertAtCursor(textarea, text) {
    if (window.HKAI && typeof window.HKAI.insertAtCursor === "function") {
      window.HKAI.insertAtCursor(textarea, text);
      return;
    }
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    var value = textarea.value;
    textarea.value = value.slice(0, start) + text + value.slice(end);
    var caret = start + text.length;
    textarea.setSelectionRange(caret, caret);
    textarea.focus();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // A picture is a paragraph of its own: blank lines around it, unless already there.
  function asParagraph(textarea, markdown) {
    var before = textarea.value.slice(0, textarea.selectionStart);
    var after = textarea.value.slice(textarea.selectionEnd);
    var prefix = before === "" || /\n\n$/.test(before) ? "" : /\n$/.test(before) ? "\n" : "\n\n";
    var suffix = /^\n\n/.test(after) ? "" : /^\n/.test(after) ? "\n" : "\n\n";
    return prefix + markdown + suffix;
  }

  function buildDialog() {
    dialog = document.createElement("dialog");
    dialog.className = "image-chooser-dialog";
    dialog.setAttribute("aria-label", field.dataset.dialogLabel || "Image library");
    var close = document.createElement("button");
    close.type = "button";
    close.className = "image-chooser-close";
    close.textContent = field.dataset.closeLabel || "Close";
    close.addEventListener("click", function () { dialog.close(); });
    content = document.createElement("div");
    content.className = "image-chooser-content";
    dialog.append(close, content);
    document.body.append(dialog);
    content.addEventListener("click", function (event) {
      var choice = event.target.closest(".image-chooser-choice");
      if (choice) {
        choose(choice.dataset.imageId, choice.dataset.markdown, choice.dataset.label);
      }
    });
    content.addEventListener("submit", function (event) {
      var form = event.target;
      event.preventDefault();
      if (form.classList.contains("image-chooser-search")) {
        load(form.action + "?" + new URLSearchParams(new FormData(form)).toString());
      } else {
        load(form.action, { method: "POST", body: new FormData(form) });
      }
    });
  }

  function show(html) {
    var fragment = new DOMParser().parseFromString(html, "text/html").querySelector(".image-chooser");
    content.replaceChildren(fragment || document.createTextNode(html));
    if (fragment && fragment.dataset.chosenId) {
      choose(fragment.dataset.chosenId, fragment.dataset.chosenMarkdown, fragment.dataset.chosenLabel);
    }
  }

  function load(url, options) {
    var request = Object.assign({ credentials: "same-origin", headers: { "X-Requested-With": "fetch" } }, options || {});
    return fetch(url, request).then(function (response) { return response.text(); }).then(show);
  }

  function choose(id, markdown, label) {
    var done = onChosen;
    onChosen = null;
    dialog.close();
    if (done) {
      done(id, markdown, label);
    }
  }

  function open(chosen) {
    if (!dialog) {
      buildDialog();
    }
    onChosen = chosen;
    content.replaceChildren();
    dialog.showModal();
    return load(chooserUrl());
  }

  document.addEventListener("hkai:insert-image", function (event) {
    var textarea = event.detail && event.detail.textarea;
    if (!textarea || !chooserUrl()) {
      return; // no chooser on this page: the toolbar's plain Markdown insert goes ahead
    }
    event.preventDefault();
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    open(function (id, markdown) {
      textarea.focus();
      textarea.setSelectionRange(start, end);
      insertAtCursor(textarea, asParagraph(textarea, markdown));
    });
  });

  function setUpHeroButton() {
    var input = field.querySelector("input.vForeignKeyRawIdAdminField");
    if (!input) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button image-chooser-open";
    button.textContent = field.dataset.chooseLabel || "Choose or upload an image";
    button.addEventListener("click", function () {
      open(function (id, markdown, label) {
        input.value = id;
        input.dispatchEvent(new Event("change", { bubbles: true }));
        var preview = field.querySelector(".image-field-preview");
        if (preview) {
          preview.textContent = label || "";
        }
      });
    });
    field.append(button);
  }

  // Without the writing toolbar, a button of our own under the body asks for an image.
  function setUpBodyButton() {
    var body = document.querySelector("textarea[name=body]");
    if (!body || document.querySelector("[data-md-action=image]")) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button image-chooser-insert";
    button.textContent = field.dataset.insertLabel || "Insert an image";
    button.addEventListener("click", function () {
      var event = new CustomEvent("hkai:insert-image", { bubbles: true, cancelable: true, detail: { textarea: body } });
      if (body.dispatchEvent(event)) {
        insertAtCursor(body, "![alt text](https://)");
      }
    });
    body.insertAdjacentElement("afterend", button);
  }

  function start() {
    field = document.querySelector("[data-image-chooser-url]");
    if (!field) {
      return;
    }
    setUpHeroButton();
    setUpBodyButton();
  }

  window.HKAIImageChooser = { open: function (done) { return field && open(done); } };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

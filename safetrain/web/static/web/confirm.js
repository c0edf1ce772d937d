// Forms that ask before they submit: <form data-confirm="question?">. A static file rather than an
// inline onsubmit= handler, so the Content Security Policy can forbid inline scripts.
document.addEventListener(
  "submit",
  function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  },
  true
);

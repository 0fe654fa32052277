// Small progressive enhancements; every page works without this file.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select) select.form.requestSubmit();
});

// Back on the tab, the notification count is asked for at once (an htmx trigger filter would
// need eval, which the content security policy refuses).
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && window.htmx) window.htmx.trigger(document.body, "handover-visible");
});

// A case's part loaded in place by its tab: the reader lands on its heading, as after a page load.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.target && event.detail.target.id === "case-section") {
    const heading = document.querySelector("#case-section #section-title");
    if (heading) heading.focus({ preventScroll: true });
  }
});

// Signature pad: draw with a pointer; the drawing travels as a PNG data URL in a hidden field.
// Without JavaScript the pad stays hidden and the typed name is the signature.
document.querySelectorAll("form.sign-form").forEach((form) => {
  const canvas = form.querySelector("canvas[data-signature-pad]");
  const field = form.querySelector("input[name=drawing]");
  const pad = form.querySelector("[data-mark=drawn]");
  const typed = form.querySelector("[data-mark=typed]");
  if (!canvas || !field) return;
  const show = () => {
    const mark = form.querySelector("input[name=mark]:checked");
    const drawn = mark && mark.value === "drawn";
    pad.hidden = !drawn;
    typed.hidden = drawn;
  };
  form.addEventListener("change", show);
  show();
  const context = canvas.getContext("2d");
  context.lineWidth = 3;
  context.lineCap = "round";
  context.strokeStyle = "#111";
  let drawing = false;
  let inked = false;
  const point = (event) => {
    const box = canvas.getBoundingClientRect();
    return [((event.clientX - box.left) * canvas.width) / box.width, ((event.clientY - box.top) * canvas.height) / box.height];
  };
  canvas.addEventListener("pointerdown", (event) => {
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    context.beginPath();
    context.moveTo(...point(event));
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    context.lineTo(...point(event));
    context.stroke();
    inked = true;
  });
  const finish = () => {
    if (!drawing) return;
    drawing = false;
    if (inked) field.value = canvas.toDataURL("image/png");
  };
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  form.querySelector("[data-signature-clear]").addEventListener("click", () => {
    context.clearRect(0, 0, canvas.width, canvas.height);
    field.value = "";
    inked = false;
  });
});

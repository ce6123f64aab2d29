// The attendance list's "Udskriv" button opens the browser's print dialog (no inline script,
// so a Content Security Policy without 'unsafe-inline' allows it).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});

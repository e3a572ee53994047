// Small progressive enhancements; every page works without them.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.matches("select[data-autosubmit]")) target.form.requestSubmit();
});
// Number member rows as the clerk sees them, after rows are added or removed.
function numberMembers() {
  document.querySelectorAll("[data-member-number]").forEach((el, i) => {
    el.textContent = String(i + 1);
  });
}
document.addEventListener("DOMContentLoaded", numberMembers);
document.addEventListener("htmx:afterSettle", numberMembers);
// The top bar's "More" menu closes when the user clicks elsewhere or presses Escape.
function closeMenus(except) {
  document.querySelectorAll("details.more[open]").forEach((menu) => {
    if (menu !== except) menu.open = false;
  });
}
document.addEventListener("click", (event) => closeMenus(event.target.closest("details.more")));
document.addEventListener("keydown", (event) => { if (event.key === "Escape") closeMenus(null); });

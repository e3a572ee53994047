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

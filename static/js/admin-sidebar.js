// The admin's sidebar starts folded on a staff member's first visit: open, it leaves a
// laptop's lists too little room to stay tables. Its « button opens it, and Django's
// nav_sidebar.js (which runs after this, deferred) remembers the choice.
(function () {
  "use strict";
  var key = "django.admin.navSidebarIsOpen";
  if (localStorage.getItem(key) === null) localStorage.setItem(key, "false");
})();

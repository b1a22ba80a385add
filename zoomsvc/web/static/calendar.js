// The calendar page: starts the vendored EventCalendar on #calendar with the options the
// server wrote into data-options, and reads meetings and closed times from data-source.
(function () {
  "use strict";
  var element = document.getElementById("calendar");
  if (!element || !window.EventCalendar) {
    return;
  }
  var options = JSON.parse(element.getAttribute("data-options"));
  var source = element.getAttribute("data-source");
  var newUrl = element.getAttribute("data-new");
  var warning = document.getElementById("calendar-warning");
  var narrow = window.matchMedia("(max-width: 700px)").matches;

  function two(number) {
    return (number < 10 ? "0" : "") + number;
  }
  function day(date) {
    return date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate());
  }
  function clock(date) {
    return two(date.getHours()) + ":" + two(date.getMinutes());
  }
  function labels(previous, next) {
    return function (text) {
      return Object.assign({}, text, {prev: previous, next: next});
    };
  }

  function load(info) {
    // The range asked for ends at midnight after its last day; the server counts whole days.
    var last = new Date(info.end.getTime() - 1);
    var url = source + "?dari=" + day(info.start) + "&sampai=" + day(last);
    return fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            throw new Error(body.error ? body.error.message : "Data kalender tidak terbaca.");
          }
          return body;
        });
      })
      .then(function (body) {
        warning.hidden = !body.warning;
        warning.textContent = body.warning || "";
        return body.events;
      })
      .catch(function (error) {
        warning.hidden = false;
        warning.textContent = error.message;
        return [];
      });
  }

  function minutes(text) {
    var parts = text.split(":");
    return Number(parts[0]) * 60 + Number(parts[1]);
  }
  // Slots wide enough to fill the page's width, so titles are cut as little as possible.
  var shown = minutes(options.slotMaxTime) - minutes(options.slotMinTime);
  var room = Math.max(element.clientWidth - 130, 300);
  var dayWidth = Math.max(Math.floor(room / (shown / 30)), 40);

  var view = narrow ? "listWeek"
    : (options.view === "minggu" ? "resourceTimeGridWeek" : "resourceTimelineDay");
  window.EventCalendar.create(element, {
    view: view,
    date: options.date,
    locale: "id-ID",
    firstDay: 1,
    hiddenDays: options.hiddenDays,
    slotMinTime: options.slotMinTime,
    slotMaxTime: options.slotMaxTime,
    slotDuration: "00:30",
    resources: options.resources,
    eventSources: [{events: load}],
    height: "auto",
    allDaySlot: false,
    nowIndicator: true,
    selectable: Boolean(newUrl),
    headerToolbar: narrow
      ? {start: "prev,today,next", center: "", end: "resourceTimelineDay,listWeek"}
      : {start: "prev,today,next", center: "title",
         end: "resourceTimelineDay,resourceTimeGridWeek,listWeek"},
    buttonText: function (text) {
      return Object.assign({}, text, {today: "Hari ini", resourceTimelineDay: "Hari",
                                      resourceTimeGridWeek: "Minggu", listWeek: "Daftar"});
    },
    views: {
      resourceTimelineDay: {buttonText: labels("Hari sebelumnya", "Hari berikutnya"),
                            slotWidth: dayWidth},
      resourceTimeGridWeek: {buttonText: labels("Minggu sebelumnya", "Minggu berikutnya"),
                             datesAboveResources: true, slotHeight: 28,
                             dayHeaderFormat: {weekday: "short", day: "numeric",
                                               month: "numeric"}},
      listWeek: {buttonText: labels("Minggu sebelumnya", "Minggu berikutnya")}
    },
    eventTimeFormat: {hour: "2-digit", minute: "2-digit", hour12: false},
    noEventsContent: "Tidak ada rapat.",
    eventClick: function (info) {
      var url = info.event.extendedProps.url;
      if (url) {
        window.location.assign(url);
      }
    },
    select: function (info) {
      // A free slot starts a request with its day, times and account filled in.
      if (!newUrl || day(info.start) !== day(new Date(info.end.getTime() - 1))) {
        return;
      }
      var query = "?tanggal=" + day(info.start) + "&mulai=" + clock(info.start) +
        "&selesai=" + clock(info.end);
      if (info.resource) {
        query += "&akun=" + encodeURIComponent(info.resource.id);
      }
      window.location.assign(newUrl + query);
    }
  });
}());

import type { zhCNManage } from "./zh-CN.manage.ts";

export const enManage: Record<keyof typeof zhCNManage, string> = {
  "manage.matchesLink": "Matching offers and solvers",
  "zoneSettings.title": "Public notice period",
  "zoneSettings.lead":
    "How many working days the public notice of a proposed winner lasts, per zone. Notices that start from now on use it; running notices keep their end date.",
  "zoneSettings.days": "Notice period (working days)",
  "zoneSettings.daysHint":
    "1–30 working days, 5 by default; public holidays and make-up days follow the State Council's calendar.",
  "zoneSettings.current": "Now: {days} working days",
  "zoneSettings.updatedAt": "Last changed",
  "zoneSettings.never": "Never changed (default)",
  "zoneSettings.save": "Save",
  "zoneSettings.saved": "Saved: the public notice in {zone} lasts {days} working days.",
  "zoneSettings.link": "Notice period settings",
  "stats.chartViews": "Views",
  "stats.bidsChart": "Bids per day and in total",
  "stats.bidsChartLabel": "Bids over time: {summary}",
  "stats.orgTypesChart": "Bidders' organisation types",
  "stats.countriesChart": "Bidders' countries or regions",
  "stats.barLabel": "{label}: {count}",
  "stats.date": "Date",
  "stats.count": "Count",
  "stats.daily": "That day",
  "stats.cumulative": "In total",
  "stats.category": "Category",
  "stats.noData": "No bids yet.",
  "stats.tableSummary": "Chart data",
};

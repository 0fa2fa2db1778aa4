import type { zhCNAttachments } from "./zh-CN.attachments.ts";

export const enAttachments: Record<keyof typeof zhCNAttachments, string> = {
  "attachments.title": "Attachments",
  "attachments.bidFiles": "Files of the bid",
  "attachments.none": "No attachments.",
  "attachments.add": "Upload attachments",
  "attachments.hint":
    "PDF, PNG, JPEG, Word (docx), Excel (xlsx), PowerPoint (pptx), plain text or CSV; up to {max} MB each and {count} per item. The type is checked from the file's content.",
  "attachments.remove": "Remove",
  "attachments.sha256": "The file's SHA-256 digest",
  "attachments.sealed": "Bid attachments are sealed with the bid: only your team sees them before the deadline.",
  "attachments.type.pdf": "PDF",
  "attachments.type.png": "PNG",
  "attachments.type.jpeg": "JPEG",
  "attachments.type.docx": "Word",
  "attachments.type.xlsx": "Excel",
  "attachments.type.pptx": "PPT",
  "attachments.type.txt": "Text",
  "attachments.type.csv": "CSV",
  "errors.attachment.empty": "The file “{name}” is empty.",
  "errors.attachment.tooLarge": "The file “{name}” is larger than {max} MB and was not saved.",
  "errors.attachment.unsupported":
    "The content of “{name}” is not an accepted type (PDF, PNG, JPEG, docx, xlsx, pptx, plain text, CSV); it was not saved.",
  "errors.attachment.mismatch":
    "The name of “{name}” does not match its content (the content is {type}); it was not saved.",
  "errors.attachment.archiveTooLarge":
    "“{name}” expands to more than {max} MB or compresses suspiciously well (a zip bomb?); it was not saved.",
  "errors.attachment.archiveTooManyEntries": "“{name}” holds more than {max} parts; it was not saved.",
  "errors.attachment.markup":
    "The content of “{name}” is a web page or script (HTML, SVG, XML, JavaScript) and cannot be uploaded as text; upload it as a PDF.",
  "errors.attachment.csvFormula":
    "Row {row} of “{name}” has a cell starting with = + - @ (a spreadsheet formula); it was not saved. Remove the formula or start the cell with ' and upload again.",
  "errors.attachment.tooMany": "At most {max} attachments per item.",
  "errors.attachment.notFound": "The attachment does not exist or you may not see it.",
  "errors.attachment.notEditable": "The attachments can no longer be changed in this state.",
  "inbox.title": "Inbox",
  "inbox.nav": "Inbox",
  "inbox.unreadCount": "{count} unread",
  "inbox.empty":
    "No messages yet. News about reviews, questions, public notices, contracts and acceptance will appear here.",
  "inbox.markRead": "Mark as read",
  "inbox.markAllRead": "Mark all as read",
  "inbox.unread": "Unread",
  "inbox.read": "Read",
  "inbox.open": "Open",
  "inbox.allRead": "All marked as read.",
  "inbox.filterAll": "All",
  "inbox.filterUnread": "Unread only",
};

import type { zhCNInvites } from "./zh-CN.invites.ts";

export const enInvites: Record<keyof typeof zhCNInvites, string> = {
  "invites.title": "Invited solvers",
  "invites.lead":
    "Only invited solvers can see this challenge. Invite universities, research institutes, enterprises or individual researchers; remove them before publishing, add more until the bidding deadline.",
  "invites.none": "No solver has been invited yet.",
  "invites.search": "Find solvers by name or e-mail",
  "invites.find": "Find",
  "invites.noMatch": "No matching solver found.",
  "invites.add": "Invite",
  "invites.remove": "Remove",
  "invites.researcher": "Researcher",
  "invites.visibility": "Who can see it",
  "invites.visibilityHint":
    "With “Invited solvers only”, only the solvers you invite see the challenge; invite them in the challenge workspace after saving.",
  "invites.mineTitle": "Challenges I am invited to",
  "manage.done.inviteSolver": "Invited.",
  "manage.done.uninviteSolver": "Invitation removed.",
  "errors.invitee.invalid":
    "Only universities, research institutes, enterprises or users with the researcher role can be invited.",
  "errors.invitee.notInvitedOnly": "Only a challenge visible to invited solvers only takes invitations.",
  "errors.invitee.locked":
    "The invitee list cannot change in this state: before publishing you may add and remove, after publishing only add until the deadline.",
};

/** Strings of the invitations to invited-only challenges (ADR 0017). */
export const zhCNInvites = {
  "invites.title": "定向邀请的解题方",
  "invites.lead":
    "本榜单仅对受邀解题方可见。可邀请高校、科研院所、企业或个人研究人员；发布前可移除，揭榜截止前可继续邀请。",
  "invites.none": "还没有邀请任何解题方。",
  "invites.search": "按名称或邮箱查找解题方",
  "invites.find": "查找",
  "invites.noMatch": "没有找到匹配的解题方。",
  "invites.add": "邀请",
  "invites.remove": "移除",
  "invites.researcher": "研究人员",
  "invites.visibility": "可见范围",
  "invites.visibilityHint": "选择“定向邀请”时，只有受邀的解题方能看到榜单；保存后在榜单工作台中邀请。",
  "invites.mineTitle": "邀请我参与的榜单",
  "manage.done.inviteSolver": "已邀请。",
  "manage.done.uninviteSolver": "已移除邀请。",
  "errors.invitee.invalid": "只能邀请高校、科研院所、企业或具有研究人员身份的用户。",
  "errors.invitee.notInvitedOnly": "只有“仅受邀解题方可见”的榜单才能定向邀请。",
  "errors.invitee.locked": "当前状态下不能再修改受邀名单：发布前可增删，发布后至揭榜截止只能新增。",
} as const;

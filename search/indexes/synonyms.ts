import { synonymGroups } from "../engine.ts";

/**
 * Words users and writers use for the same thing, in both languages. Mutual groups; kept small
 * and specific — a broad synonym ("材料" ↔ "material") drowns rare words in common ones.
 */
export const TECHNOLOGY_SYNONYMS = synonymGroups([
  ["锂电池", "锂离子电池", "lithium battery", "lithium-ion battery", "li-ion"],
  ["新能源汽车", "电动汽车", "ev", "electric vehicle"],
  ["光伏", "photovoltaic", "pv"],
  ["石墨烯", "graphene"],
  ["正极材料", "cathode material"],
  ["负极材料", "anode material"],
  ["电池管理系统", "bms", "battery management system"],
  ["储能", "energy storage"],
  ["氢能", "hydrogen"],
  ["稀贵金属", "rare and precious metals"],
  ["增材制造", "3d打印", "additive manufacturing", "3d printing"],
  ["碳纤维", "carbon fiber", "carbon fibre"],
  ["三七", "notoginseng"],
  ["普洱茶", "pu-erh"],
  ["数控机床", "cnc"],
  ["物联网", "iot"],
  ["人工智能", "ai"],
]);

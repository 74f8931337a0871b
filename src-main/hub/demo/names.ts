/** Name, region and number material for the synthetic customer base (all made up). */

/** Common surnames, most frequent first; weights roughly follow their share of the population. */
export const SURNAMES: readonly string[] = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '高', '罗',
  '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '潘', '袁', '蔡', '蒋', '余',
  '于', '杜', '叶', '程', '魏', '苏', '吕', '丁', '任', '卢', '姚', '沈', '钟', '姜', '崔', '谭', '陆', '范', '汪', '廖',
  '石', '金', '韦', '贾', '夏', '付', '方', '邹', '熊', '白', '孟', '秦', '邱', '侯', '江', '尹', '薛', '闫', '段', '雷',
  '龙', '黎', '史', '陶', '贺', '毛', '郝', '顾', '龚', '邵', '万', '覃', '武', '钱', '戴', '严', '莫', '孔', '向', '常',
  '欧阳', '司马', '上官', '诸葛',
];
export const SURNAME_WEIGHTS: readonly number[] = SURNAMES.map((_, i) => (i < 100 ? 1 / Math.sqrt(i + 1) : 0.02));

/** Given-name characters; a given name is one or two of them. */
export const GIVEN_MALE: readonly string[] = [
  '伟', '强', '磊', '军', '勇', '杰', '涛', '斌', '超', '明', '刚', '平', '辉', '鹏', '华', '飞', '鑫', '波', '宇', '浩',
  '凯', '健', '俊', '帆', '帅', '旭', '宁', '龙', '林', '洋', '阳', '峰', '建', '国', '志', '文', '博', '晨', '昊', '然',
  '子', '轩', '毅', '诚', '睿', '泽', '晖', '熙', '海', '东', '成', '亮', '德', '荣', '庆', '永', '家', '嘉', '天', '铭',
];
export const GIVEN_FEMALE: readonly string[] = [
  '芳', '娜', '敏', '静', '丽', '艳', '娟', '霞', '燕', '玲', '婷', '雪', '慧', '莹', '倩', '颖', '琳', '洁', '红', '梅',
  '兰', '萍', '秀', '英', '佳', '欣', '怡', '悦', '涵', '萱', '梓', '诗', '雨', '晴', '思', '琪', '瑶', '璐', '丹', '蕾',
  '月', '晓', '文', '婉', '妍', '可', '馨', '若', '冰', '美', '淑', '桂', '珍', '凤', '春', '薇', '宁', '菲', '楠', '瑾',
];

/**
 * Six-digit administrative division codes (县级) for resident IDs. The demo branch is in
 * Shanghai, so Shanghai districts come first and carry most of the weight.
 */
export const REGIONS: readonly string[] = [
  '310101', '310104', '310105', '310106', '310107', '310109', '310110', '310112', '310113', '310115', '310116', '310117',
  '110101', '110105', '110108', '120101', '130102', '140105', '210102', '220102', '230103', '320102', '320506', '330106',
  '330205', '340104', '350203', '360102', '370102', '370202', '410105', '420106', '430104', '440106', '440305', '450103',
  '500103', '510107', '520102', '530102', '610113', '620102',
];
export const REGION_WEIGHTS: readonly number[] = REGIONS.map((r) => (r.startsWith('31') ? 5 : r.startsWith('32') || r.startsWith('33') || r.startsWith('34') ? 2 : 1));

/** Mobile prefixes used for generated phones. 138 is left out: 13800000001-099 are the fixed demo identities. */
export const PHONE_PREFIXES: readonly string[] = [
  '130', '131', '132', '133', '135', '136', '137', '139', '150', '151', '152', '155',
  '156', '158', '159', '166', '177', '180', '181', '186', '187', '188', '189', '199',
];

/** Relationship managers (客户经理) who look after the branch's wealthy and key customers. */
export const RELATIONSHIP_MANAGERS: readonly string[] = ['陈思远', '林婉清', '周子豪', '吴嘉怡', '郑浩然'];

/** Other branches of the same bank that are home branch to some of our visitors. */
export const OTHER_BRANCHES: readonly string[] = ['sh-002', 'sh-005', 'sh-011', 'hz-001', 'bj-003'];

/*
 * demo_names.c - the demo generator's PRNG and word lists.
 *
 * xoshiro256** (Blackman and Vigna) seeded by splitmix64: small, fast, the
 * same sequence on every platform.  The word lists are fictional building
 * blocks: common surnames (weighted towards the most frequent, as in the
 * North-East), given-name characters by gender, two-character brand names,
 * industry words for enterprises and schools, and per-industry record-book
 * contents for the company and the school site.  Any real organisation that
 * a combination happens to name is a coincidence.
 */
#include "core/common.h"

#include <string.h>

#include "engine/demo_names.h"
#include "core/banned.h"

/* ---- random numbers ---- */

uint64_t dt_demo_splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void dt_demo_rng_seed(struct dt_demo_rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = dt_demo_splitmix(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t dt_demo_rng_next(struct dt_demo_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint32_t dt_demo_rng_below(struct dt_demo_rng *r, uint32_t n)
{
	if (!n)
		return 0;
	/* Lemire's multiply-shift; the tiny bias is irrelevant for demo data. */
	return (uint32_t)(((dt_demo_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int dt_demo_rng_range(struct dt_demo_rng *r, int lo, int hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int)dt_demo_rng_below(r, (uint32_t)(hi - lo + 1));
}

double dt_demo_rng_unit(struct dt_demo_rng *r)
{
	return (double)(dt_demo_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

bool dt_demo_rng_chance(struct dt_demo_rng *r, double p)
{
	return dt_demo_rng_unit(r) < p;
}

#define PICK(r, a) ((a)[dt_demo_rng_below((r), (uint32_t)DT_ARRAY_SIZE(a))])

/* ---- people ---- */

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "赵", "孙", "于", "周", "吴", "徐", "高", "马",
	"郭", "朱", "胡", "林", "何", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "董",
	"程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡",
	"贾", "丁", "魏", "薛", "叶", "阎", "潘", "杜", "戴", "夏", "田", "任", "姜", "范",
	"方", "石", "姚", "谭", "邹", "金", "陆", "郝", "孔", "白", "崔", "康", "毛", "邱",
	"秦", "江", "史", "顾", "侯", "邵", "孟", "龙", "段", "雷", "钱", "汤", "尹", "常",
	"武", "乔", "贺", "龚", "文", "关", "隋", "佟", "鲁", "葛", "单", "闫",
};

static const char *const given_m[] = {
	"伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏",
	"华", "飞", "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆", "旭", "宁", "龙", "林",
	"阳", "博", "文", "晨", "昊", "天", "子", "轩", "宏", "亮", "峰", "成", "志", "建",
	"国", "东", "海", "铭", "泽", "睿", "晓", "嘉", "思", "家", "振", "启", "航", "胜",
};

static const char *const given_f[] = {
	"芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "慧", "颖",
	"琳", "倩", "欣", "悦", "怡", "佳", "琪", "璐", "晶", "丹", "萍", "红", "梅", "莉",
	"洁", "蕾", "薇", "彤", "雨", "梦", "思", "诗", "瑶", "涵", "嘉", "月", "妍", "子",
	"晓", "文", "宁", "秀", "春", "新", "心", "可", "萌", "楠", "艺", "馨", "桐", "岩",
};

void dt_demo_surname(struct dt_demo_rng *r, struct dt_strbuf *out)
{
	/* u^2 favours the head of the list, as real surname frequencies do. */
	size_t n = DT_ARRAY_SIZE(surnames);
	double u = dt_demo_rng_unit(r);
	size_t i = (size_t)(u * u * (double)n);
	dt_strbuf_adds(out, surnames[i < n ? i : n - 1]);
}

void dt_demo_given_name(struct dt_demo_rng *r, char gender, struct dt_strbuf *out)
{
	bool f = gender == 'F';
	const char *a = f ? PICK(r, given_f) : PICK(r, given_m);
	dt_strbuf_adds(out, a);
	if (dt_demo_rng_chance(r, 0.7)) {
		const char *b;
		do
			b = f ? PICK(r, given_f) : PICK(r, given_m);
		while (b == a);
		dt_strbuf_adds(out, b);
	}
}

void dt_demo_person_name(struct dt_demo_rng *r, char gender, struct dt_strbuf *out)
{
	dt_demo_surname(r, out);
	dt_demo_given_name(r, gender, out);
}

/* ---- organisations ---- */

static const char *const brand_a[] = {
	"华", "中", "东", "北", "盛", "恒", "鑫", "瑞", "宏", "金", "远", "兴", "新", "嘉",
	"天", "通", "泰", "安", "德", "永", "荣", "长", "博", "海", "辽", "鼎", "佳", "富",
	"和", "鸿", "隆", "昌", "润", "腾", "锦", "广", "汇", "正", "信", "卓",
};

static const char *const brand_b[] = {
	"锐", "达", "通", "泰", "晟", "源", "科", "成", "远", "宇", "航", "丰", "信", "诚",
	"力", "业", "峰", "联", "创", "拓", "建", "实", "发", "昊", "昌", "阳", "光", "威",
	"智", "盈", "福", "利", "盛", "星", "辰", "林", "川", "洋", "腾", "跃",
};

struct industry_words {
	const char *key;
	const char *zh;
	const char *const *firm;    /* enterprise business words */
	const char *const *school;  /* school specialty words */
	const char *const *company; /* record-book contents at the company */
	const char *const *lessons; /* record-book contents at the school */
};

#define LIST(...)                 \
	(const char *const[])     \
	{                         \
		__VA_ARGS__, NULL \
	}

static const struct industry_words industries[] = {
	{ "equipment_manufacturing", "装备制造",
	  LIST("重型机械", "数控机床", "精密制造", "装备制造", "机械制造", "液压机械", "智能装备"),
	  LIST("装备制造", "机械工程", "机电工程", "智能制造"),
	  LIST("数控车床操作实训", "铣削加工与工件装夹", "零件加工与质量检测", "设备日常点检与保养",
	       "安全生产与6S管理", "焊接工艺实操", "装配钳工实操", "工业机器人示教编程",
	       "生产线跟岗实习", "模具拆装与调试"),
	  LIST("机械制图理论课", "公差配合与技术测量", "金属材料与热处理", "数控编程基础",
	       "电工电子基础", "液压与气动技术", "机械基础", "CAD/CAM软件应用") },
	{ "automotive", "汽车",
	  LIST("汽车零部件", "汽车制造", "新能源汽车", "汽车部件", "车桥制造"),
	  LIST("汽车工程", "汽车技术", "交通工程"),
	  LIST("整车装调跟岗", "底盘总成装配", "发动机拆装实训", "车辆电气故障诊断",
	       "动力电池检测与维护", "涂装车间跟岗", "质量检验工位实操", "生产线换型与点检"),
	  LIST("汽车构造理论课", "汽车电工电子基础", "发动机原理", "新能源汽车技术概论",
	       "汽车维修企业管理", "机械识图") },
	{ "shipbuilding", "船舶", LIST("船舶重工", "船舶制造", "海洋工程", "船舶修造", "船舶配套"),
	  LIST("船舶", "船舶工程", "海事"),
	  LIST("船体分段焊接实操", "船舶管系安装", "船舶电气布线", "分段合拢跟岗",
	       "船舶修理坞修作业", "船舶涂装作业", "船用主机拆装"),
	  LIST("船舶结构与识图", "船舶焊接工艺", "船舶电气基础", "船舶动力装置", "船舶建造工艺",
	       "海事安全法规") },
	{ "petrochemicals", "石油化工",
	  LIST("石油化工", "石化", "化工", "精细化工", "新材料", "油气储运"),
	  LIST("石油化工", "石化", "化工"),
	  LIST("常减压装置内操跟岗", "化工单元操作实训", "DCS操作与工艺监控", "装置巡检与取样",
	       "设备润滑与密封检查", "危化品安全作业", "化验室分析实操", "开停工方案演练"),
	  LIST("化工原理理论课", "有机化学", "化工仪表及自动化", "石油炼制工艺", "化工安全技术",
	       "化学分析基础") },
	{ "metallurgy", "冶金", LIST("钢铁", "冶金", "特钢", "矿业", "金属材料", "钢材加工"),
	  LIST("冶金", "钢铁", "矿业"),
	  LIST("高炉炉前作业跟岗", "转炉炼钢操作", "轧机调整实操", "精整线作业", "设备点检与维护",
	       "冶金安全作业", "选矿工艺跟岗", "钢材质量检验"),
	  LIST("冶金概论理论课", "钢铁冶金原理", "金属压力加工", "冶金设备基础", "金属材料检测",
	       "冶金安全规程") },
	{ "electrical", "电力电气", LIST("电气", "电力设备", "输变电", "新能源", "风电", "电器"),
	  LIST("电力", "电气工程", "能源"),
	  LIST("变电站巡视实操", "配电线路检修", "继电保护装置调试", "风机运维跟岗",
	       "高低压开关柜装配", "电气安全作业规程", "变压器装配实训"),
	  LIST("电路基础理论课", "电机与变压器", "电力系统基础", "继电保护原理", "PLC控制技术",
	       "电气制图") },
	{ "digital", "数字经济", LIST("信息技术", "软件", "数字科技", "网络科技", "智能科技"),
	  LIST("信息工程", "电子信息", "数字技术"),
	  LIST("软件项目开发实操", "网络设备配置", "数据标注与模型训练", "物联网设备安装调试",
	       "工业视觉系统调试", "信息安全巡检", "数字孪生建模实操"),
	  LIST("程序设计基础", "计算机网络原理", "数据库应用", "Python编程", "人工智能导论",
	       "信息安全技术") },
	{ "food", "食品", LIST("食品", "乳业", "粮油", "米业", "农产品加工"),
	  LIST("食品工程", "轻工"),
	  LIST("乳品加工线跟岗", "大米加工工艺实操", "食品检验取样", "生产卫生与HACCP实践",
	       "包装线操作", "冷链仓储作业"),
	  LIST("食品化学理论课", "食品微生物", "食品安全法规", "食品加工工艺", "食品检验技术") },
	{ "agriculture", "现代农业", LIST("农业机械", "农业科技", "农机", "现代农业"),
	  LIST("农业工程", "农业"),
	  LIST("农机驾驶操作实训", "农机故障排除", "智慧农业设备调试", "拖拉机装配跟岗",
	       "农田作业实操"),
	  LIST("农业机械理论课", "农机构造", "农业信息技术", "植物生产基础", "农机安全法规") },
	{ "construction", "建筑", LIST("建筑工程", "建设", "建工", "电梯工程", "装配式建筑"),
	  LIST("建筑工程", "城市建设"),
	  LIST("钢筋绑扎实操", "装配式构件吊装", "BIM建模实操", "电梯安装调试", "施工现场安全管理",
	       "测量放线实操"),
	  LIST("建筑识图理论课", "建筑构造", "建筑材料", "工程测量", "BIM技术基础",
	       "建筑施工安全") },
	{ "logistics", "现代物流", LIST("物流", "供应链", "储运", "港口物流", "快递"),
	  LIST("交通运输", "现代物流"),
	  LIST("仓储作业实操", "叉车与起重设备操作", "分拣中心跟岗", "供应链系统操作",
	       "装卸搬运安全作业", "配送路线规划实践"),
	  LIST("物流管理理论课", "仓储管理", "供应链基础", "物流信息技术", "运输管理") },
	{ "elderly_care", "健康养老", LIST("健康养老", "养老服务", "康养", "家政服务", "医养"),
	  LIST("健康养老", "护理", "卫生"),
	  LIST("失能老人照护实操", "养老机构跟岗", "康复辅助训练", "老年人能力评估实践",
	       "家政服务实操", "健康档案管理"),
	  LIST("老年护理理论课", "基础护理学", "康复技术", "老年心理学", "营养与膳食",
	       "急救技术") },
};

static const char *const generic_firm[] = { "实业", "科技", "工业", "制造", "技术" };
static const char *const generic_school[] = { "工业", "工程", "职业" };
static const char *const generic_company[] = { "岗位跟岗实习", "安全生产培训", "设备操作实训",
					       "质量检验实操", "班组生产实践" };
static const char *const generic_lessons[] = { "专业基础理论课", "职业素养", "安全生产法规",
					       "应用数学",       "专业英语", "体育与健康" };

static const struct industry_words *industry_find(const char *key)
{
	for (size_t i = 0; key && i < DT_ARRAY_SIZE(industries); i++)
		if (!strcmp(industries[i].key, key))
			return &industries[i];
	return NULL;
}

static const char *pick_list(struct dt_demo_rng *r, const char *const *list)
{
	size_t n = 0;
	while (list[n])
		n++;
	return list[dt_demo_rng_below(r, (uint32_t)n)];
}

const char *dt_demo_industry_zh(const char *industry)
{
	const struct industry_words *w = industry_find(industry);
	return w ? w->zh : industry;
}

static void brand(struct dt_demo_rng *r, struct dt_strbuf *out)
{
	const char *a = PICK(r, brand_a), *b;
	do
		b = PICK(r, brand_b);
	while (!strcmp(a, b));
	dt_strbuf_adds(out, a);
	dt_strbuf_adds(out, b);
}

void dt_demo_enterprise_name(struct dt_demo_rng *r, const char *city, const char *industry,
			     bool large, struct dt_strbuf *out)
{
	const struct industry_words *w = industry_find(industry);
	dt_strbuf_adds(out, city);
	brand(r, out);
	dt_strbuf_adds(out, w ? pick_list(r, w->firm) : PICK(r, generic_firm));
	double u = dt_demo_rng_unit(r);
	if (large && u < 0.4)
		dt_strbuf_adds(out, "集团有限公司");
	else if (u < 0.6)
		dt_strbuf_adds(out, "有限公司");
	else if (u < 0.8)
		dt_strbuf_adds(out, "股份有限公司");
	else
		dt_strbuf_adds(out, "有限责任公司");
}

void dt_demo_school_name(struct dt_demo_rng *r, const char *city, const char *industry,
			 struct dt_strbuf *out)
{
	static const char *const kinds[] = { "职业技术学院", "技师学院", "技工学校",
					     "职业技术学校", "职业学院", "高级技工学校" };
	const struct industry_words *w = industry_find(industry);
	dt_strbuf_adds(out, city);
	dt_strbuf_adds(out, w ? pick_list(r, w->school) : PICK(r, generic_school));
	dt_strbuf_adds(out, PICK(r, kinds));
}

void dt_demo_assessor_name(struct dt_demo_rng *r, const char *city, struct dt_strbuf *out)
{
	dt_strbuf_adds(out, city);
	brand(r, out);
	dt_strbuf_adds(out, "职业技能评价有限公司");
}

void dt_demo_street(struct dt_demo_rng *r, struct dt_strbuf *out)
{
	static const char *const roads[] = { "北京街", "中山路",   "人民大街", "建设路", "工业路",
					     "长江路", "黄河路",   "和平大街", "兴华街", "创新路",
					     "科技路", "开发大道", "胜利街",   "解放路", "友谊路" };
	dt_strbuf_addf(out, "%s%d号", PICK(r, roads), dt_demo_rng_range(r, 1, 399));
}

const char *dt_demo_content(struct dt_demo_rng *r, const char *industry, bool company)
{
	const struct industry_words *w = industry_find(industry);
	if (dt_demo_rng_chance(r, 0.12) || !w)
		return company ? PICK(r, generic_company) : PICK(r, generic_lessons);
	return pick_list(r, company ? w->company : w->lessons);
}

const char *dt_demo_dissolution_reason(struct dt_demo_rng *r)
{
	static const char *const reasons[] = {
		"个人原因",       "个人原因",
		"个人原因",       "企业经营调整",
		"企业经营调整",   "转学",
		"家庭原因",       "健康原因",
		"专业方向不适应", "学员违反培训纪律，经三方协商解除",
	};
	return PICK(r, reasons);
}

"""Query-side relevance features: synonyms from the YAML list and the any-term fallback."""

import re

import pytest

from conftest import make_settings
from indexer import ranking, search
from indexer.analysis import squeeze
from indexer.highlight import Exact, find_spans
from indexer.search import IndexReader, synonym_map
from indexer.writer import index_reports
from webui import create_app


def texts(page) -> list[str]:
    return [squeeze(h.text) for h in page.results]


def county_report(filler: str, count: int, *paragraphs: str) -> str:
    """A report's text: its title, ``count`` lines of ``filler`` (formatted with ``n``), then
    ``paragraphs``, a line each: the filler sets what is common in the index."""
    return "某县2025年工作总结\n" + "".join(
        filler.format(n=n) + "\n" for n in range(count)) + "".join(p + "\n" for p in paragraphs)


def indexed(tmp_path, report: str, **overrides):
    """Settings of an index of one report (``report``, its text) built under ``tmp_path``."""
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "a.txt").write_text(report, "utf-8")
    settings = make_settings(tmp_path / "ix", [tmp_path / "reports"], **overrides)
    index_reports(settings)
    return settings


def test_synonym_finds_the_other_word_and_highlights_it(seeds_reader):
    page = seeds_reader.search("扶贫", size=100)
    only_other = [h for h in page.results if "脱贫" in h.text and "扶贫" not in h.text]
    assert only_other, "a paragraph that says 脱贫 but never 扶贫 is found"
    hit = only_other[0]
    assert "脱贫" in [hit.text[s:e] for s, e in hit.highlights]
    # the word typed still ranks first
    assert "扶贫" in texts(page)[0]


def test_quoted_phrase_is_never_expanded(seeds_reader):
    page = seeds_reader.search('"扶贫"', size=100)
    assert page.total and all("扶贫" in t for t in texts(page))


def test_extra_synonyms_from_config(seeds_index):
    plain = IndexReader(seeds_index)
    extended = IndexReader(seeds_index.replace(search__extra_synonyms=[["甲乙丙丁", "户户通"]]))
    try:
        assert plain.search("甲乙丙丁").total == 0
        page = extended.search("甲乙丙丁")
        assert page.total and all("户户通" in t for t in texts(page))
    finally:
        plain.close()
        extended.close()


def test_synonym_map_is_symmetric_and_normalised():
    table = synonym_map([["疫情", "新冠"], ["新冠", "ＣＯＶＩＤ"]])
    assert table["疫情"] == ["新冠"]
    assert table["covid"] == ["新冠"]
    assert sorted(table["新冠"]) == ["covid", "疫情"]


def test_no_paragraph_with_every_word_falls_back_to_some(seeds_reader, seeds_index):
    strict = seeds_reader.search("户户通 量子计算")
    assert strict.relaxed and strict.total == 0 and strict.partial_total
    assert all(h.partial for h in strict.results)
    found = ["户户通" in t for t in texts(strict)]  # the word, then its inner word 户户 alone
    assert found[:3] == [True] * 3 and all("户户" in t for t in texts(strict))
    assert found == sorted(found, reverse=True) and not all(found)
    assert not seeds_reader.search("户户通 农村公路").relaxed  # together somewhere: no fallback
    assert seeds_reader.search("量子计算").total == 0  # one term: nothing to fall back to

    client = create_app({"TESTING": True, "SETTINGS": seeds_index}).test_client()
    body = client.get("/api/search", query_string={"q": "户户通 量子计算"}).get_json()
    assert body["relaxed"] is True and body["partial_total"] == strict.partial_total
    page = client.get("/", query_string={"q": "户户通 量子计算"}).get_data(as_text=True)
    assert 'id="relaxed"' in page
    assert 'id="relaxed"' not in client.get("/", query_string={"q": "户户通"}).get_data(as_text=True)


LATIN_REPORT = """某市2025年工作报告
一、科技创新
推进人工智能产业发展。
AI 芯片产能翻番。
Public domain 资料整理完毕。
5G网络覆盖全部乡镇。
15G网络测试另行安排。
GDP增长5%。
GDPR 合规培训。
"""


@pytest.fixture(scope="module")
def latin_reader(tmp_path_factory):
    base = tmp_path_factory.mktemp("latin")
    (base / "reports").mkdir()
    (base / "reports" / "a.txt").write_text(LATIN_REPORT, "utf-8")
    settings = make_settings(base / "ix", [base / "reports"],
                             search__extra_synonyms=[["5g网络", "第五代移动通信"]])
    index_reports(settings)
    reader = IndexReader(settings)
    yield reader
    reader.close()


def marked(hit) -> list[str]:
    return [hit.text[s:e] for s, e in hit.highlights]


def test_latin_synonym_matches_whole_words_only(latin_reader):
    # The synonym "ai" of 人工智能 matched "domain": 6 of 8 results on the national reports.
    page = latin_reader.search("人工智能", size=20)
    assert sorted(texts(page)) == sorted(["推进人工智能产业发展。", "ai芯片产能翻番。"])
    ai = latin_reader.search("ai", size=20)
    assert "publicdomain资料整理完毕。" not in texts(ai) and "ai芯片产能翻番。" in texts(ai)


def test_latin_and_digits_match_at_word_boundaries(latin_reader):
    assert texts(latin_reader.search("5g")) == ["5g网络覆盖全部乡镇。"]
    assert texts(latin_reader.search("第五代移动通信")) == ["5g网络覆盖全部乡镇。"]
    gdp = latin_reader.search("gdp", size=20)
    assert "gdpr合规培训。" not in texts(gdp) and "gdp增长5%。" in texts(gdp)
    assert [marked(h) for h in gdp.results if "GDP增长" in h.text] == [["GDP"]]


def test_quoted_latin_phrase_stays_an_exact_substring(latin_reader):
    page = latin_reader.search('"ai"', size=20)
    assert "publicdomain资料整理完毕。" in texts(page)
    hit = next(h for h in page.results if "domain" in h.text)
    assert marked(hit) == ["ai"]  # inside "domain", as the phrase matched it


def test_find_spans_latin_boundaries():
    text = "Public domain, AI 与 5G网络、15G网络"
    assert [text[s:e] for s, e in find_spans(text, ["ai", "5g网络"])] == ["AI", "5G网络"]
    assert [text[s:e] for s, e in find_spans(text, [Exact("ai")])] == ["ai", "AI"]


def test_codes_match_and_highlight_as_whole_tokens(tmp_path):
    """A number or code matches where the tokenizer reads it whole: "5%" is not inside "12.5%",
    "5g" not inside "5G-A"; the highlight agrees, and an exact phrase of the same text still
    marks it inside."""
    from indexer.highlight import Exact, find_spans

    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "a.txt").write_text("某镇2023年工作总结\n增速达到12.5%。\n建成5G-A基站。\n"
                                  "利率下调5%。\n", "utf-8")
    settings = make_settings(tmp_path / "ix", [folder])
    index_reports(settings)
    reader = IndexReader(settings)
    try:
        assert [h.text for h in reader.search("5%").results] == ["利率下调5%。"]
    finally:
        reader.close()
    assert find_spans("增速达到12.5%，5%", ["5%"]) == [[10, 12]]
    assert find_spans("建成5G-A基站", ["5g"]) == []
    assert find_spans("Public domain", ["ai", Exact("ai")]) == [[10, 12]]


# -- graded matching: every word first, then most of them -----------------------------------

GRADED_REPORT = """某县2025年工作总结
一、农村公路建设
全县新修农村公路120公里，养护农村公路300公里。
完成县乡村三级公路改造，农村级公路通达率百分之百。
二、农民收入
农民人均可支配收入增长6%，农民收入稳步提高。
发展特色种植，带动村民增收，村民收入持续增长。
多措并举提高村民收入。
三、其他工作
村民文化活动丰富多彩。
提高基层治理水平。
"""


@pytest.fixture(scope="module")
def graded_reader(tmp_path_factory):
    base = tmp_path_factory.mktemp("graded")
    (base / "reports").mkdir()
    (base / "reports" / "a.txt").write_text(GRADED_REPORT, "utf-8")
    settings = make_settings(base / "ix", [base / "reports"])
    index_reports(settings)
    reader = IndexReader(settings)
    yield reader
    reader.close()


def test_paragraphs_with_every_word_come_first_then_partial_ones(graded_reader, monkeypatch):
    monkeypatch.setattr(search, "FEW_MATCHES", 0)  # no filling of a short page (test below)
    page = graded_reader.search("提高村民收入", size=20)  # no spaces: 提高, 村民, 收入
    complete = [h for h in page.results if not h.partial]
    partial = [h for h in page.results if h.partial]
    assert page.total == len(complete) and page.partial_total == len(partial)
    assert page.results == complete + partial  # every complete match ranks above the partial
    assert all(all(w in h.text for w in ("提高", "村民", "收入")) for h in complete)
    assert complete and {"农民人均可支配收入增长6%，农民收入稳步提高。",
                         "发展特色种植，带动村民增收，村民收入持续增长。"} <= {
        h.text for h in partial}  # two of the three words each
    assert "提高基层治理水平。" not in texts(page)  # one of three: below minimum_should_match


def test_a_short_page_goes_on_with_paragraphs_holding_one_word(graded_reader):
    """As Meilisearch's "better some words than few": a query with fewer than FEW_MATCHES
    matches lists, after them, paragraphs holding only one of its words, rarest first."""
    page = graded_reader.search("提高村民收入", size=50)
    strict = [t for t in texts(page) if sum(w in t for w in ("提高", "村民", "收入")) > 1]
    assert page.total + page.partial_total == len(page.results) > len(strict)
    assert texts(page)[:len(strict)] == strict  # two or three words, then one
    assert "提高基层治理水平。" in texts(page)


def test_a_question_searches_its_content_words(graded_reader):
    question = graded_reader.search("怎样提高村民收入", size=20)
    plain = graded_reader.search("提高村民收入", size=20)
    assert question.total and [h.text for h in question.results] == [
        h.text for h in plain.results]
    assert graded_reader.search("如何").missing == ["如何"]  # a question word alone still searched


def test_a_long_word_finds_its_variant_below_the_exact_form(graded_reader):
    page = graded_reader.search("农村公路", size=20)
    found = [h.text for h in page.results]
    assert "完成县乡村三级公路改造，农村级公路通达率百分之百。" in found  # 农村级公路: its parts
    assert found[0] == "全县新修农村公路120公里，养护农村公路300公里。"


def test_a_word_the_reports_never_use_searches_its_inner_word(graded_reader):
    page = graded_reader.search("农民工", size=20)  # never in the text; 农民 is
    assert page.total and all("农民" in h.text for h in page.results)
    assert graded_reader.search("农民工 收入").total  # as one word of several too


def test_a_heading_ranks_below_the_paragraphs_it_heads(graded_reader):
    page = graded_reader.search("农民收入", size=20)
    headings = [i for i, h in enumerate(page.results) if h.text == "二、农民收入"]
    assert headings and headings[0] == len(page.results) - 1 > 0


def test_page_divides_complete_from_partial_results(graded_reader, tmp_path):
    client = create_app({"TESTING": True, "SETTINGS": graded_reader.settings}).test_client()
    page = client.get("/", query_string={"q": "提高村民收入"}).get_data(as_text=True)
    assert page.count('id="partial-divider"') == 1
    assert page.index('class="hit"') < page.index('id="partial-divider"') < page.index(
        'class="hit partial"')
    body = client.get("/api/search", query_string={"q": "提高村民收入"}).get_json()
    assert [h["partial"] for h in body["results"]] == sorted(h["partial"] for h in body["results"])


def test_a_phrase_with_words_nobody_has_still_shows_the_phrase(seeds_reader):
    page = seeds_reader.search('"户户通" 量子计算', size=50)
    assert page.relaxed and page.total == 0 and page.partial_total
    assert all("户户通" in t for t in texts(page)) and page.missing == ["量子计算"]


def test_one_character_ranks_the_paragraph_about_it_first(tmp_path):
    """The one-character field counts each character: a paragraph about 煤 names it more often
    than a shorter one that lists it once (without counts, BM25 preferred the shorter)."""
    settings = indexed(tmp_path, "某县2025年工作总结\n完成燃煤锅炉改造。\n"
                       "煤炭产量稳定，煤电联营推进，洁净煤技术推广，煤矿安全生产形势平稳向好。\n")
    reader = IndexReader(settings)
    try:
        assert [h.text for h in reader.search("煤").results] == [
            "煤炭产量稳定，煤电联营推进，洁净煤技术推广，煤矿安全生产形势平稳向好。",
            "完成燃煤锅炉改造。"]
    finally:
        reader.close()


FEEDBACK_REPORT = county_report(
    "第{n}项，大气污染防治，工业排放达标，监测站点{n}个。", 12,
    "推进污染整治，改善村容村貌，建设美丽乡村。",  # about something else
    "推进污染整治，减少大气排放，建设美丽乡村。")  # about what the best results are about


def test_results_sharing_the_best_results_words_rise(tmp_path, monkeypatch):
    """Pseudo-relevance feedback: the best results are about 大气 and 排放, so of two equal
    matches of 污染 the one that also says so ranks first; without feedback the other does."""
    settings = indexed(tmp_path, FEEDBACK_REPORT)
    reader = IndexReader(settings)
    pair = ["推进污染整治，减少大气排放，建设美丽乡村。", "推进污染整治，改善村容村貌，建设美丽乡村。"]

    def order():
        found = [h.text for h in reader.search("污染", size=30).results]
        return sorted(pair, key=found.index)

    try:
        assert order() == pair
        monkeypatch.setattr(ranking, "FEEDBACK_BOOST", 0.0)
        assert order() == pair[::-1]
    finally:
        reader.close()


def test_equal_scores_rank_the_same_however_the_index_was_built(tmp_path):
    """Three reports with the same paragraph, indexed at once and one by one in reverse order:
    their record numbers differ, their ranking does not (ties go by report id, then place)."""
    (tmp_path / "reports").mkdir()
    for name in "abc":
        (tmp_path / "reports" / f"{name}.txt").write_text(
            f"{name}县2025年工作总结\n推进农村公路建设，完成投资三千万元。\n", "utf-8")
    orders = []
    for n, paths in enumerate([None, *([[tmp_path / "reports" / f"{x}.txt"] for x in "cba"],)]):
        settings = make_settings(tmp_path / f"ix{n}", [tmp_path / "reports"])
        for batch in paths or [None]:
            index_reports(settings, paths=batch)
        reader = IndexReader(settings)
        try:
            page = reader.search("农村公路")
            orders.append([(h.doc_id, h.paragraph) for h in page.results])
            assert len({h.score for h in page.results}) == 1  # a tie, three ways
        finally:
            reader.close()
    assert len(orders[0]) == 3 and orders[0] == orders[1] == sorted(orders[0])


def test_partial_matches_with_the_rarer_word_come_first(tmp_path, monkeypatch):
    """No paragraph holds both words: the one with the rare word (寄递) ranks above those that
    name the common one (农村, in 15 of 36 paragraphs) often, which BM25 alone puts
    first."""
    settings = indexed(tmp_path, "某县2025年工作总结\n" + "".join(
        f"农村道路、农村供水和农村电网改造第{n}期完成。\n" for n in range(15)) + "".join(
        f"第{n}项其他工作按计划推进，群众满意度稳步提高。\n" for n in range(20)) + (
        "积极发展现代服务业，推进金融、科技、法律等生产性服务业融合发展，升级改造县级寄递"
        "物流中心六十个，建成村级服务站四千个，进一步扩大电商覆盖面。\n"))
    reader = IndexReader(settings)
    try:
        assert "寄递" in reader.search("农村 寄递").results[0].text
        monkeypatch.setattr(search, "RELAXED_GRADES", 0)  # partial matches by score alone
        assert "寄递" not in reader.search("农村 寄递").results[0].text
    finally:
        reader.close()


def test_partial_matches_of_words_about_as_rare_rank_by_score(tmp_path, monkeypatch):
    """No paragraph holds both words and neither is far rarer (上学 in 2 paragraphs, 免费 in
    3): BM25 decides, and the short paragraphs naming 免费 three times come first, where
    grading by the share of idf put the slightly rarer word's long paragraphs first."""
    settings = indexed(tmp_path, county_report(
        "第{n}项其他工作按计划推进，群众满意度稳步提高。", 30,
        *(f"第{n}批农民工子女上学问题，经多方协调，会同教育、人社、住建等部门统筹解决，"
          "逐项落实到位，家长反映良好。" for n in range(2)),
        *(f"免费体检、免费培训、免费乘车第{n}项。" for n in range(3))))
    reader = IndexReader(settings)
    try:
        assert "免费" in reader.search("上学 免费").results[0].text
        monkeypatch.setattr(search, "RELAXED_GRADES", 3)
        assert "上学" in reader.search("上学 免费").results[0].text
    finally:
        reader.close()


def test_a_word_that_finds_nothing_falls_back_to_any_inner_word(graded_reader):
    page = graded_reader.search("收入水平", size=20)  # one word; 收入 and 水平 never together
    assert page.results and all("收入" in h.text or "水平" in h.text for h in page.results)
    assert "提高基层治理水平。" in [h.text for h in page.results]
    assert page.total == 0 and page.partial_total == len(page.results)
    assert page.relaxed and page.missing == ["收入水平"] and all(h.partial for h in page.results)


PIG_REPORT = county_report(
    "第{n}项，农田水利建设按计划推进，完成投资{n}千万元，群众满意度稳步提高。", 10,
    "新建猪舍一处。", "全县生猪存栏稳定。", "全县的猪存栏稳定。",
    "畜牧业稳步发展，生猪出栏稳定增长，猪肉保供稳价，能繁母猪存栏保持合理水平，养殖场粪污资源化利用率达到"
    "百分之九十，全年畜牧业产值增长百分之八，带动农户增收。同时加强动物防疫体系建设，完善"
    "县乡村三级防疫网络，强化重大动物疫病强制免疫，开展畜禽养殖标准化示范创建，培育家庭"
    "牧场和养殖合作社，推动种养结合、农牧循环发展，畜产品质量安全抽检合格率保持在百分之"
    "九十八以上，保障了市场供应和价格基本稳定。")


def test_one_character_ranks_the_paragraph_that_names_it_most_first(tmp_path, monkeypatch):
    """猪 alone (which jieba sometimes leaves as a word) and 猪 inside 生猪 count the same, and
    the rescore window ranks by how often a paragraph names it, as a substring scan would: the
    long paragraph about pigs first, though BM25 divides by its length."""
    settings = indexed(tmp_path, PIG_REPORT)
    reader = IndexReader(settings)
    try:
        assert reader.search("猪").results[0].text.startswith("畜牧业稳步发展")
        monkeypatch.setattr(ranking, "COUNT_BOOST", 0.0)
        assert not reader.search("猪").results[0].text.startswith("畜牧业稳步发展")
        # jieba's cut does not matter: 猪 alone and 猪 inside 生猪 score the same
        scores = {h.text: h.score for h in reader.search("猪", size=20).results}
        assert scores["全县生猪存栏稳定。"] == scores["全县的猪存栏稳定。"]
    finally:
        reader.close()


COMMON_REPORT = county_report(
    "第{n}项政策按计划落实，群众满意度稳步提高。", 120,
    "改善知识分子的工作和生活条件，发挥知识分子作用。",
    "重视中青年知识分子的培养和使用。",
    "落实知识分子政策。")


def test_a_common_word_only_ranks_when_the_query_has_a_rarer_one(tmp_path, monkeypatch):
    """As Elasticsearch's common terms query: 政策 is in almost every paragraph, so the
    paragraphs on 知识分子 that never say it match the whole query too, below the one that
    does; the page and the JSON name the word that was not required."""
    settings = indexed(tmp_path, COMMON_REPORT)
    reader = IndexReader(settings)
    try:
        short = reader.search("知识分子 政策")  # fewer than FEW_MATCHES: 政策 alone fills the page
        assert short.total == 3 and short.partial_total == 120
        assert all(not h.partial for h in short.results[:3]) and all(
            h.partial and "知识分子" not in h.text for h in short.results[3:])
        monkeypatch.setattr(search, "FEW_MATCHES", 0)
        page = reader.search("知识分子 政策")
        assert page.total == 3 and not page.partial_total and page.optional == ["政策"]
        assert texts(page)[0] == "落实知识分子政策。"
        assert reader.search("政策 落实").optional == []  # both common: both required
        assert reader.search('"知识分子" 政策').optional == []  # a phrase: no word dropped
        client = create_app({"TESTING": True, "SETTINGS": settings}).test_client()
        body = client.get("/api/search", query_string={"q": "知识分子 政策"}).get_json()
        assert body["optional"] == ["政策"] and body["total"] == 3 and not body["partial_total"]
        html = client.get("/", query_string={"q": "知识分子 政策"}).get_data(as_text=True)
        assert 'id="optional"' in html and "<b>政策</b>" in html
        monkeypatch.setattr(search, "COMMON_SHARE", 1.0)
        strict = reader.search("知识分子 政策")
        assert strict.total == 1 and strict.partial_total == 122 and strict.optional == []
    finally:
        reader.close()


ABOUT = "农村集体经济收入增长，村级集体收入稳定，集体资产管理规范，产业项目落地。"
REPEATS = "发展农村集体经济，农村道路、农村供水、农村电网、农村学校、农村卫生室全面改善。"


def test_a_common_word_said_again_and_again_counts_less(tmp_path, monkeypatch):
    """The paragraph about 集体经济 ranks above one that names it once among six 农村: the
    common word's score counts ranking.COMMON_WEIGHT (at full weight the repeats won)."""
    monkeypatch.setattr(search, "COMMON_LEAST", 5)  # 农村 in 10 of 50 paragraphs: common
    monkeypatch.setattr(search, "COMMON_SHARE", 0.1)
    settings = indexed(tmp_path, county_report(
        "第{n}项工作按计划完成年度任务。", 40, *(f"第{i}个农村修通了公路。" for i in range(8)),
        REPEATS, ABOUT))
    reader = IndexReader(settings)
    try:
        page = reader.search("农村 集体经济")
        assert page.optional == ["农村"] and page.total == 2
        assert texts(page)[:2] == [squeeze(ABOUT), squeeze(REPEATS)]
    finally:
        reader.close()


THESAURUS_REPORT = county_report(
    "第{n}项文化工作按计划推进。", 10,
    "推进非遗保护传承，组织传统技艺展演，开展文化进万家活动，举办购物节，完善公共文化服务体系，"
    "提升群众满意度。",
    "非物质文化遗产名录。非物质文化遗产馆。非物质文化遗产展。")
TYPED, OTHER = THESAURUS_REPORT.splitlines()[-2:]


def test_the_thesaurus_finds_another_name_below_the_word_typed(tmp_path):
    """A general thesaurus entry is found and highlighted, but shares its weight among its
    character pairs: the seven characters of 非物质文化遗产 never outweigh the 非遗 typed."""
    settings = indexed(tmp_path, THESAURUS_REPORT, search__thesaurus=[["非遗", "非物质文化遗产"]])
    reader, without = IndexReader(settings), IndexReader(settings.replace(search__thesaurus=[]))
    try:
        page = reader.search("非遗")
        assert [h.text for h in page.results] == [TYPED, OTHER]  # at full weight, OTHER first
        assert "非物质文化遗产" in [page.results[1].text[s:e] for s, e in page.results[1].highlights]
        assert [h.text for h in without.search("非遗").results] == [TYPED]
        assert reader.search('"非遗"').total == 1  # a quoted phrase is never expanded
    finally:
        reader.close()
        without.close()


SPAN_REPORT = county_report(
    "第{n}项民生工作按计划推进。", 10,
    "提高城乡居民医保财政补助标准。", "医疗队下乡义诊。", "推进农业保险扩面。")


def test_terms_typed_apart_find_the_synonym_of_them_together(tmp_path):
    """医疗 保险 is what 医保 abbreviates (Elasticsearch's multi-word synonyms): the paragraph
    saying only 医保 is a complete match, highlighted; a paragraph with one term stays partial,
    and a quoted term or an OR group breaks the run."""
    settings = indexed(tmp_path, SPAN_REPORT, search__thesaurus=[["医保", "医疗保险"]])
    reader = IndexReader(settings)
    try:
        page = reader.search("医疗 保险")
        first = page.results[0]
        assert page.total == 1 and "医保" in first.text and not first.partial
        assert "医保" in [first.text[s:e] for s, e in first.highlights]
        assert {h.text for h in page.results[1:]} == {"医疗队下乡义诊。", "推进农业保险扩面。"}
        assert all(h.partial for h in page.results[1:])
        assert reader.search("医疗保险").total == 1  # typed together, as before
        assert reader.search('医疗 "保险"').total == 0
        assert reader.search("保险 医疗").total == 0  # 保险医疗 is not the word
    finally:
        reader.close()


RISE_REPORT = county_report(
    "第{n}项工作按计划推进。", 20,
    *(f"东西部协作第{n}批项目落地。" for n in range(30)),
    *(f"蔬菜涨价第{n}次得到控制。" for n in range(2)),
    *(f"价格上涨第{n}季度有所回落。" for n in range(10)))


def test_a_word_weighs_what_it_typed_not_what_its_synonyms_add(tmp_path):
    """涨价 (2 paragraphs) is far rarer than 东西 (30), so a paragraph holding it is the better
    partial match of 东西 涨价, although its synonym 价格上涨 brings 10 more paragraphs (which,
    counted, would make the two words about as rare: neither's paragraphs first)."""
    settings = indexed(tmp_path, RISE_REPORT, search__thesaurus=[["涨价", "价格上涨"]])
    reader = IndexReader(settings)
    try:
        page = reader.search("东西 涨价", size=50)
        assert page.total == 0 and page.partial_total == 42
        order = ["东西" in h.text for h in page.results]
        assert order == [False] * 12 + [True] * 30
        assert "涨价" in page.results[0].text  # the word typed above its synonym
    finally:
        reader.close()


def test_the_shipped_thesaurus_is_groups_of_words():
    groups = make_settings("unused")["search.thesaurus"]
    entries = [squeeze(e) for g in groups for e in g]
    assert len(groups) > 500 and all(len(g) > 1 for g in groups)
    assert all(len(e) > 1 for e in entries)  # one character would match inside any word
    assert len(entries) == len(set(entries))  # each entry in one group: no chains of meanings


SPENDING_REPORT = county_report(
    "第{n}项，农田水利建设按计划推进，完成投资{n}千万元。", 12,
    "坚决制止公款吃喝。",
    "严禁用公款旅游。", "公款出国须报批。", "吃喝之风有所收敛。",
    "新建公园两处。", "水利设施完好。")


def test_a_word_in_few_paragraphs_also_lists_its_inner_words_after_them(tmp_path, monkeypatch):
    """公款吃喝 is in one paragraph: the page goes on, below it, with the paragraphs that hold
    公款 or 吃喝 (partial matches), as a search engine that ORs the words would, where before it
    stopped at one result. A word in enough paragraphs (FEW_MATCHES) lists only them."""
    settings = indexed(tmp_path, SPENDING_REPORT)
    reader = IndexReader(settings)
    try:
        page = reader.search("公款吃喝")
        assert (page.total, page.partial_total, page.relaxed) == (1, 3, False)
        assert page.results[0].text == "坚决制止公款吃喝。" and not page.results[0].partial
        rest = page.results[1:]
        assert sorted(h.text for h in rest) == sorted(
            ["严禁用公款旅游。", "公款出国须报批。", "吃喝之风有所收敛。"])
        assert all(h.partial for h in rest)
        assert all("<mark>公款</mark>" in h.snippet_html or "<mark>吃喝</mark>" in h.snippet_html
                   for h in rest)  # what each was found by is highlighted
        assert page.facets["doc"][0]["count"] == 1  # facets count what has every word
        monkeypatch.setattr(search, "FEW_MATCHES", 1)
        assert [h.text for h in reader.search("公款吃喝").results] == ["坚决制止公款吃喝。"]
    finally:
        reader.close()


def test_the_document_page_marks_the_inner_words_where_the_word_is_not(tmp_path):
    """The report of a partial match (found by 公款 for 公款吃喝) marks what found it: the whole
    word where a paragraph holds it, else its inner words, as the result's snippet does."""
    settings = indexed(tmp_path, SPENDING_REPORT)
    client = create_app({"TESTING": True, "SETTINGS": settings}).test_client()
    link = re.search(r'href="(/doc/[^"#?]+)', client.get("/?q=公款吃喝").get_data(as_text=True))
    page = client.get(link.group(1) + "?q=公款吃喝").get_data(as_text=True)
    assert "坚决制止<mark>公款吃喝</mark>。" in page
    assert "用<mark>公款</mark>旅游" in page and "<mark>吃喝</mark>之风" in page
    assert "新建公园" in page and "<mark>" not in page.split("新建公园")[1].split("</p>")[0]
    # 农田水利 is in 12 paragraphs: its search does not go on with 水利 alone, nor marks it
    page = client.get(link.group(1) + "?q=农田水利").get_data(as_text=True)
    assert "<mark>农田水利</mark>" in page and "<mark>水利</mark>" not in page


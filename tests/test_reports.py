"""Parsing the five seed reports: titles, years, outline, paragraphs, cleaning, re-flow."""

import pytest

from indexer.config import load_settings
from indexer.reports import Cleaner, parse_report, reflow, split_heading
from indexer.writer import cleaner_for

EXPECTED = {
    # seed: (title, years, headings at level 1, 2, 3, body paragraphs)
    "000": ("X镇政府2020年工作总结及2021年工作打算", [2020, 2021], 2, 8, 0, 10),
    "001": ("乡镇 2020 年工作总结和 2021 年工作计划", [2020, 2021], 11, 0, 0, 28),
    "002": ("镇2020年工作要点", [2020], 5, 0, 0, 8),
    "003": ("2020年度乡镇人大工作总结", [2020], 7, 0, 0, 18),
    "004": (None, [2021], 2, 0, 6, 20),
}

BOILERPLATE = [
    "仅供学习", "酷乐文行", "QQ", "会员", "倒卖", "本文档", "版权", "KB", "2021-04-14",
    "网站客服", "请勿照搬", "订阅",
]


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_parse_report_seed_outline(seed_reports, seed):
    title, years, l1, l2, l3, body = EXPECTED[seed]
    report = seed_reports[seed]
    if title:
        assert (report.title, report.title_source) == (title, "text")
    assert report.years == years
    levels = [b.level for b in report.headings]
    assert (levels.count(1), levels.count(2), levels.count(3)) == (l1, l2, l3)
    assert len(report.paragraphs) == body


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_parse_report_removes_boilerplate(seed_reports, seed):
    text = seed_reports[seed].text
    for junk in BOILERPLATE:
        assert junk not in text, junk


def test_parse_report_title_not_a_paragraph(seed_reports):
    for report in seed_reports.values():
        assert all(b.text != report.title for b in report.blocks)


def test_parse_report_untitled_takes_the_file_name(seed_reports):
    # The first line is a sentence, not a title: cut short it told no report apart.
    report = seed_reports["004"]
    assert (report.title, report.title_source) == ("004_de420432b1c26cef", "file name")
    assert report.blocks[0].text.startswith("2021年是实施“十四五”规划的开局之年")


def test_parse_report_without_name_falls_back_to_first_sentence():
    report = parse_report("2021年是开局之年，也是我们党成立100周年。\n一、工作回顾\n正文。")
    assert (report.title, report.title_source) == ("2021年是开局之年，也是我们党成立100周年", "first sentence")


def test_parse_report_title_of_invisible_characters_falls_back():
    # Two national reports open with a line holding only U+200B; the title is split by a link.
    raw = "\u200b\n\n\n政府工作报\n告\n\n——2017年3月5日在第十二届全国人民代表大会第五次会议上\n各位代表：\n正文。"
    report = parse_report(raw, "GWR_2017_2017年政府工作报告.txt")
    assert (report.title, report.title_source) == ("政府工作报告", "text")
    dashes = parse_report("——\n\ufeff\u200e\n正文一句。", "x_甲县报告.txt")
    assert (dashes.title, dashes.title_source) == ("甲县报告", "file name")


def test_parse_report_format_characters_leave_the_text():
    report = parse_report("某县工作总结\n推进“户户\u200b通”工\u200d程\u2060建设。\n", "x.txt")
    assert [b.text for b in report.blocks] == ["推进“户户通”工程建设。"]


def test_parse_report_sentence_or_note_is_not_a_title():
    speech = parse_report("现在，我代表国务院，向大会报告政府工作，请各位代表审议\n正文。", "GWR_2012_2012年政府工作报告.txt")
    assert (speech.title, speech.title_source) == ("2012年政府工作报告", "file name")
    note = parse_report("(譯自中共駐共產國際代表團檔案俄文稿)\n正文。", "CPC_03_陈独秀的报告.txt")
    assert note.title == "陈独秀的报告"


WIKISOURCE_FOOTER = """正文最后一段。

本作品是中华人民共和国的
法律
、
法规
，国家机关的决议、决定、命令和其他具有立法、行政、司法性质的文件，及其官方正式译文。根据《
中华人民共和国著作权法
》第五条第一项，本作品不适用于该法，在
中国大陆
，也可能在其他管辖区，属于
公有领域
。


注：中文维基文库社群认为，中华人民共和国公务演讲，
不总是
具有立法、行政、司法性质的文件。


Public domain
Public domain
false
false"""


def test_parse_report_drops_wikisource_footer():
    cleaner = cleaner_for(load_settings(None))
    raw = "一、总体情况\n正文。\n" + WIKISOURCE_FOOTER
    report = parse_report(raw, "GWR_2021_2021年政府工作报告.txt", cleaner)
    assert [b.text for b in report.blocks] == ["一、总体情况", "正文。", "正文最后一段。"]
    assert [b.text for b in report.headings] == ["一、总体情况"]  # "不总是" is no section


def test_boilerplate_keeps_report_text_that_quotes_the_law():
    cleaner = cleaner_for(load_settings(None))
    raw = ("某县工作总结\n一、法治建设\n宣传《中华人民共和国著作权法》，不总是停留在口头。\n"
           "中华人民共和国著作权法\n具有立法、行政、司法性质的文件要及时公开。\nfalse positive 率下降。\n")
    texts = [b.text for b in parse_report(raw, "x.txt", cleaner).blocks]
    assert texts == ["一、法治建设", "宣传《中华人民共和国著作权法》，不总是停留在口头。",
                     "中华人民共和国著作权法", "具有立法、行政、司法性质的文件要及时公开。",
                     "false positive 率下降。"]


def test_parse_report_reflows_hard_wrapped_pdf(seed_reports):
    report = seed_reports["001"]
    texts = [b.text for b in report.blocks]
    # Sentences that the PDF extraction wrapped across lines are whole again.
    for phrase in ["按照“一带一园五区”的发展布局", "按照“特色+品牌”主线", "一是 CFL 信息安全项目进展顺利",
                   "生产厂房共 13600平", "截止 10 月底,实现工业总产值 23亿元"]:
        assert sum(phrase in t for t in texts) == 1, phrase
    assert all("\n" not in t for t in texts)
    # A paragraph is a paragraph, not a line: far fewer blocks than lines.
    assert len(report.blocks) < 60


def test_parse_report_inline_heading_split(seed_reports):
    blocks = seed_reports["000"].blocks
    heading = next(b for b in blocks if b.text.startswith("（一）众志成城"))
    body = blocks[heading.number]  # the next block
    assert heading.text == "（一）众志成城，疫情防控成效显著。"
    assert heading.level == 2
    assert body.text.startswith("一是强化组织领导。")
    assert body.level is None
    assert body.section_path == ("一、2020年工作总结", "（一）众志成城，疫情防控成效显著。")
    assert body.section_no == "1.1"


def test_parse_report_yishi_is_not_a_heading(seed_reports):
    for report in seed_reports.values():
        for b in report.headings:
            assert not b.text.startswith(("一是", "二是", "三是"))


def test_parse_report_offsets_point_into_cleaned_text(seed_reports):
    for report in seed_reports.values():
        text = report.text
        for b in report.blocks:
            assert text[b.start:b.end] == b.text
        assert [b.number for b in report.blocks] == list(range(1, len(report.blocks) + 1))


def test_parse_report_plain_heading_between_sections(seed_reports):
    report = seed_reports["003"]
    heading = next(b for b in report.headings if b.text == "下一步工作安排")
    assert heading.level == 1
    after = report.blocks[heading.number]
    assert after.section_path == ("下一步工作安排",)


def test_parse_report_numbered_level3_under_level1(seed_reports):
    report = seed_reports["004"]
    item = next(b for b in report.headings if b.text.startswith("3.发展壮大产业"))
    assert item.level == 3
    assert item.section_path == ("二、下步工作计划", "3.发展壮大产业，扎实推进乡村振兴。")


def test_parse_report_nested_numbering_styles():
    raw = "\n".join([
        "某县2022年工作总结", "一、总体情况", "（一）经济运行", "1.工业生产。", "（1）规上企业稳定增长。",
        "正文一。", "2、农业生产", "正文二。", "（二）社会事业", "正文三。", "二、下步打算", "正文四。",
    ])
    report = parse_report(raw)
    paths = {b.text: b.section_path for b in report.paragraphs}
    assert paths["正文一。"] == ("一、总体情况", "（一）经济运行", "1.工业生产。", "（1）规上企业稳定增长。")
    assert paths["正文二。"] == ("一、总体情况", "（一）经济运行", "2、农业生产")
    assert paths["正文三。"] == ("一、总体情况", "（二）社会事业")
    assert paths["正文四。"] == ("二、下步打算",)
    assert report.title == "某县2022年工作总结" and report.years == [2022]


def test_split_heading_long_numbered_item_is_body():
    long_item = "1、" + "加强基层党组织建设，" * 10
    assert split_heading(long_item) is None
    assert split_heading("4.65%的增长") is None


def test_reflow_joins_line_starting_with_punctuation():
    assert reflow(["会议听取了国务院总理所作的", "政府工作报告", "。会议认为，过去一年成绩显著。"]) == [
        "会议听取了国务院总理所作的政府工作报告。会议认为，过去一年成绩显著。"
    ]


def test_reflow_keeps_short_lines_apart():
    lines = ["2026年北京市政府工作报告", "——2026年1月25日在北京市第十六届人民代表大会第四次会议上", "各位代表："]
    assert reflow(lines) == lines


def test_cleaner_patterns_are_configurable():
    cleaner = Cleaner([r"^本站广告"])
    report = parse_report("某镇工作总结\n本站广告：招商加盟\n正文内容。", cleaner=cleaner)
    assert [b.text for b in report.blocks] == ["正文内容。"]


def test_cleaner_leaves_long_lines_alone():
    cleaner = Cleaner(["版权所有"], max_line=20)
    line = "加强知识产权保护，" * 3 + "版权所有人的合法权益得到保障。"
    assert not cleaner.is_boilerplate(line)


def test_format_characters_all_found_in_the_planes_scanned():
    """Every format character (Cf) of this Python's Unicode lies in the planes the cleaner
    scans, so none is left in a report."""
    import sys
    import unicodedata

    from indexer.reports import FORMAT_PLANES, _format_chars

    every = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    assert every and all(any(ord(c) in plane for plane in FORMAT_PLANES) for c in every)
    assert _format_chars().sub("", "".join(sorted(every))) == ""

"""Word, PDF, .doc and .wps reports, read from real files the tests make (tests/office_files.py):
what each reader keeps and drops, headings from the file's structure, pages, hostile files,
and phrase exactness on the extracted text."""

from __future__ import annotations

import random
import shutil
import zipfile
import zlib

import pytest

from conftest import CORPORA, SEEDS, make_settings
from indexer.analysis import squeeze
from indexer.readers import Readers, sniff
from indexer.reports import parse_report
from indexer.search import IndexReader
from indexer.sources import decode
from indexer.writer import cleaner_for, index_reports
from office_files import (
    CHROMIUM,
    RICH,
    SOFFICE,
    chinese_word_docx,
    print_pdf,
    report_html,
    rich_docx,
    soffice_convert,
    with_document_xml,
    without_tounicode,
    zip_bomb_docx,
)

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian package chromium is not installed (.ci/run installs it)")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui; .ci/run does)")

SECTIONS = [
    ("一、农村公路建设", [
        f"全年新改建农村公路{n}公里，完成投资{n * 37}万元，实现行政村通硬化路全覆盖，"
        f"第{n}个“四好农村路”示范村通过验收，群众出行条件明显改善。" for n in range(11, 19)]),
    ("二、公共服务", [
        f"新建村级综合服务站{n}个，城乡居民医保参保率达到9{n % 10}.5%，"
        f"第{n}批便民服务事项下沉到村，办事不出村覆盖全镇。" for n in range(21, 29)]),
]


def search(settings, query, size=100):
    reader = IndexReader(settings)
    try:
        return reader.search(query, size=size)
    finally:
        reader.close()


def document(settings, doc_id):
    reader = IndexReader(settings)
    try:
        return reader.document(doc_id)
    finally:
        reader.close()


@pytest.fixture(scope="module")
def pdf_bytes(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("Debian package chromium is not installed (.ci/run installs it)")
    out = tmp_path_factory.mktemp("pdf") / "report.pdf"
    return print_pdf(report_html("某镇2023年工作总结", SECTIONS), out).read_bytes()


def test_docx_reads_insertions_controls_boxes_tables_and_notes_not_deletions(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "总结.docx").write_bytes(rich_docx())
    settings = make_settings(tmp_path / "index", [folder])
    summary = index_reports(settings)
    assert (summary.added, summary.failed) == (1, [])
    for phrase in (RICH["inserted"], RICH["control"], RICH["footnote"], "完成投资 | 进度",
                   "全年新建户户通水泥路，共计30公里", RICH["body2"]):
        assert search(settings, f'"{phrase}"').total == 1, phrase
    assert search(settings, f'"{RICH["box"]}"').total == 1  # one text box, written twice
    assert search(settings, f'"{RICH["deleted"]}"').total == 0


def test_docx_headings_from_styles_and_outline_levels_then_text_rules(tmp_path):
    path = tmp_path / "r.docx"
    path.write_bytes(rich_docx())
    settings = make_settings(tmp_path / "index", [tmp_path])
    with Readers(settings, cleaner_for(settings)) as readers:
        report = readers.read(path, path.read_bytes())
    assert (report.title, report.format) == (RICH["title"], "docx")
    outline = [(b.text, b.level, b.section_no) for b in report.headings]
    assert outline == [(RICH["h1"], 1, "1"), (RICH["h1_zh"], 1, "2"),
                       (RICH["h2_outline"], 2, "2.1"), ("（一）教育医疗", 2, "2.2")]
    body2 = next(b for b in report.blocks if b.text == RICH["body2"])
    assert body2.section_path == (RICH["h1_zh"], "（一）教育医疗")


def test_docx_from_chinese_word_style_ids(tmp_path):
    """Chinese Word stores the heading styles with ids "1", "2": their names say heading."""
    data = chinese_word_docx([("工作报告", None), ("总体情况", 1), ("正文第一段。", None),
                              ("农业生产", 2), ("粮食总产稳定。", None)])
    path = tmp_path / "r.docx"
    path.write_bytes(data)
    assert b'w:styleId="1"' in zipfile.ZipFile(path).read("word/styles.xml")
    settings = make_settings(tmp_path / "index", [tmp_path])
    with Readers(settings, cleaner_for(settings)) as readers:
        report = readers.read(path, data)
    assert [(b.text, b.level) for b in report.headings] == [("总体情况", 1), ("农业生产", 2)]
    assert report.blocks[-1].section_path == ("总体情况", "农业生产")


@needs_chromium
def test_pdf_drops_running_headers_and_page_numbers_keeps_pages(tmp_path, pdf_bytes):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "总结.pdf").write_bytes(pdf_bytes)
    settings = make_settings(tmp_path / "index", [folder])
    summary = index_reports(settings)
    assert (summary.added, summary.failed) == (1, [])
    doc = document(settings, search(settings, "农村公路").results[0].doc_id)
    assert doc["format"] == "pdf" and doc["title"] == "某镇2023年工作总结"
    texts = [p["text"] for p in doc["paragraphs"]]
    expected = [h for h, _ in SECTIONS[:1]] + SECTIONS[0][1] + [SECTIONS[1][0]] + SECTIONS[1][1]
    assert texts == expected  # wide spacing undone, wraps re-flowed, no header, footer or "1/3"
    pages = [p["page"] for p in doc["paragraphs"]]
    assert pages[0] == 1 and pages == sorted(pages) and pages[-1] >= 2
    assert [s["heading"] for s in doc["sections"]] == ["一、农村公路建设", "二、公共服务"]
    hit = search(settings, '"第27批便民服务事项"').results[0]
    assert hit.page == pages[texts.index(SECTIONS[1][1][6])]


@needs_chromium
def test_pdf_without_unicode_maps_is_no_usable_text_layer(tmp_path, pdf_bytes):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "扫描件.pdf").write_bytes(without_tounicode(pdf_bytes))
    (folder / "ok.txt").write_text("某镇工作总结\n推进农村公路建设。", "utf-8")
    summary = index_reports(make_settings(tmp_path / "index", [folder]))
    assert summary.added == 1
    [(path, reason)] = summary.failed
    assert path.endswith("扫描件.pdf") and "no usable text layer (scanned? needs OCR)" in reason


@needs_chromium
def test_phrases_exact_in_text_read_from_docx_and_pdf(tmp_path, pdf_bytes):
    """The substring truth is the extracted, cleaned text of each file."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.docx").write_bytes(rich_docx())
    (folder / "b.pdf").write_bytes(pdf_bytes)
    settings = make_settings(tmp_path / "index", [folder])
    index_reports(settings)
    with Readers(settings, cleaner_for(settings)) as readers:
        reports = [readers.read(p, p.read_bytes()) for p in sorted(folder.iterdir())]
    blocks = [(r.title, b.number, b.text) for r in reports for b in r.blocks]
    rng = random.Random(20261201)
    reader = IndexReader(settings)
    try:
        for _ in range(150):
            title, _, text = rng.choice(blocks)
            start = rng.randrange(len(text))
            phrase = text[start:start + rng.randint(1, 8)]
            if not squeeze(phrase) or '"' in phrase:
                continue
            truth = {(t, n) for t, n, x in blocks if squeeze(phrase) in squeeze(x)}
            page = reader.search(f'"{phrase}"', size=1000)
            assert {(h.title, h.paragraph) for h in page.results} == truth, phrase
    finally:
        reader.close()


@needs_soffice
@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_doc_and_wps_converted_by_libreoffice(tmp_path, suffix):
    made = tmp_path / "made"
    made.mkdir()
    source = made / "report.docx"
    source.write_bytes(rich_docx())
    doc = soffice_convert(source, "doc:MS Word 97", made)
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / f"旧报告{suffix}").write_bytes(doc.read_bytes())
    settings = make_settings(tmp_path / "index", [folder])
    summary = index_reports(settings)
    assert (summary.added, summary.failed, summary.skipped) == (1, [], [])
    assert search(settings, f'"{RICH["body2"]}"').total == 1
    hit = search(settings, f'"{RICH["inserted"]}"').results[0]
    assert document(settings, hit.doc_id)["format"] == suffix[1:]


def test_doc_without_libreoffice_is_skipped_and_named(tmp_path, monkeypatch):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    (folder / "ok.txt").write_text("某镇工作总结\n推进农村公路建设。", "utf-8")
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no soffice on this PATH
    summary = index_reports(make_settings(tmp_path / "index", [folder]))
    assert (summary.added, summary.failed) == (1, [])
    [(path, reason)] = summary.skipped
    assert path.endswith("old.doc") and "need LibreOffice (soffice)" in reason


def hostile(tmp_path, files: dict[str, bytes], **settings_overrides):
    """Index the seeds, then add ``files`` beside them: (summary, settings)."""
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    settings = make_settings(tmp_path / "index", [folder], **settings_overrides)
    before = index_reports(settings)
    assert before.failed == []
    for name, data in files.items():
        (folder / name).write_bytes(data)
    summary = index_reports(settings)
    assert search(settings, '"户户通"').total >= 1  # nothing indexed before is lost
    assert summary.documents == before.documents + summary.added
    return {p.rsplit("/", 1)[-1]: why for p, why in summary.failed}, summary, settings


XXE = b"""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"""
LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY e "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>&e;</w:t></w:r></w:p></w:body></w:document>"""


def pdf_bomb(megabytes: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``megabytes`` MB."""
    stream = zlib.compress(b"0 0 m " * (megabytes * 1_000_000 // 6), 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
               + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def test_hostile_word_files_refused_by_name(tmp_path):
    plain = chinese_word_docx([("正文。", None)])
    failed, summary, _ = hostile(tmp_path, {
        "bomb.docx": zip_bomb_docx(300),
        "xxe.docx": with_document_xml(plain, XXE),
        "laughs.docx": with_document_xml(plain, LAUGHS),
        "fake.pdf": b"<!DOCTYPE html><html><body>not a pdf</body></html>",
        "empty.docx": chinese_word_docx([]),
        "工作报告.docx": chinese_word_docx([("关于推进秸秆综合利用的工作报告", None),
                                          ("秸秆综合利用率达到93%。", None)]),
    })
    assert summary.added == 1  # the Chinese-named file
    assert "zip bomb" in failed["bomb.docx"]
    assert "DTD" in failed["xxe.docx"] and "DTD" in failed["laughs.docx"]
    assert "not a .pdf file: its content is HTML" in failed["fake.pdf"]
    assert "no text" in failed["empty.docx"]


def test_pdf_bomb_and_limits_cost_one_file(tmp_path):
    failed, summary, settings = hostile(tmp_path, {"bomb.pdf": pdf_bomb(1500)},
                                        index__parse_memory_mb=300, index__parse_timeout=20)
    assert "bomb.pdf" in failed, summary
    assert any(why in failed["bomb.pdf"] for why in ("memory limit", "time limit",
                                                      "no usable text layer"))
    assert "memory limit" in failed["bomb.pdf"]  # PDFium inflating it meets the 300 MB limit


def slow_docx(paragraphs: int) -> bytes:
    """A valid .docx with ``paragraphs`` paragraphs (seconds to read at 300,000)."""
    body = "".join(f"<w:p><w:r><w:t>第{n}项：推进农村人居环境整治，完成改厕{n}户。</w:t></w:r></w:p>"
                   for n in range(paragraphs))
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w='
           f'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}'
           "</w:body></w:document>")
    return with_document_xml(chinese_word_docx([("x", None)]), xml.encode())


def test_a_parser_over_its_time_limit_is_killed_and_the_next_file_read(tmp_path):
    failed, summary, settings = hostile(
        tmp_path, {"a-big.docx": slow_docx(300_000), "b-small.docx": chinese_word_docx(
            [("某村工作总结", None), ("推进移风易俗。", None)])}, index__parse_timeout=0.5)
    assert "time limit" in failed["a-big.docx"]
    assert summary.added == 1 and search(settings, '"推进移风易俗"').total == 1


def test_a_parser_over_its_memory_limit_is_reported(tmp_path):
    big = chinese_word_docx([("某镇工作总结", None)] + [
        (f"第{n}项：推进农村人居环境整治，完成改厕{n}户。", None) for n in range(20_000)])
    failed, summary, _ = hostile(tmp_path, {"big.docx": big}, index__parse_memory_mb=8)
    assert "memory limit" in failed["big.docx"]


def test_format_sniffed_from_content_not_extension():
    assert sniff(b"%PDF-1.7\n") == "pdf"
    assert sniff(rich_docx()) == "docx"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") == "doc"
    assert sniff("<html>报告</html>".encode()) is None


def test_many_doc_files_without_libreoffice_summed_up(tmp_path):
    import os
    import subprocess
    import sys

    folder = tmp_path / "reports"
    folder.mkdir()
    for n in range(12):
        (folder / f"old{n}.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    (folder / "ok.txt").write_text("某镇工作总结\n推进农村公路建设。", "utf-8")
    env = {**os.environ, "PATH": str(tmp_path / "empty-bin")}
    done = subprocess.run([sys.executable, "-m", "indexer.cli", "index", "--index",
                           str(tmp_path / "index"), str(folder)], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "skipped 12 .doc/.wps files: they need LibreOffice (soffice), which is not " \
           "installed" in done.stderr
    assert "unsupported" not in done.stderr


@needs_chromium
def test_pdf_of_a_real_report_keeps_its_paragraphs(tmp_path):
    """A real report (GWR 1985, mixed full-width digits, quotes, long paragraphs) printed by
    Chromium: nearly every paragraph read back is the text file's, whitespace aside. PDFium's
    own line breaks split numbers off ("增长１" / "４．５％") and a line ending in 。 ends no
    paragraph by itself; the layout (indents) decides."""
    source = CORPORA / "wikisource_gwr" / "GWR_1985_1985年中华人民共和国国务院政府工作报告.txt"
    settings = make_settings(tmp_path / "index", [tmp_path])
    cleaner = cleaner_for(settings)
    report = parse_report(decode(source.read_bytes()), source.name, cleaner)
    html = report_html(report.title, [("", [b.text for b in report.blocks])])
    pdf = print_pdf(html.replace("<h2></h2>", ""), tmp_path / "r.pdf")
    with Readers(settings, cleaner) as readers:
        read = readers.read(pdf, pdf.read_bytes())
    want = [squeeze(b.text) for b in report.blocks]
    got = [squeeze(b.text) for b in read.blocks]
    assert read.title == report.title
    assert len(got) == len(want)
    assert len(set(want) & set(got)) >= 0.95 * len(want)

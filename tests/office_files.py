"""Real .docx, .pdf, .doc and .wps files, made by the tests themselves: python-docx writes Word
files (the XML python-docx cannot write, tracked changes, text boxes, footnotes, is put into
the package afterwards), Chromium prints PDFs, LibreOffice converts .docx to .doc."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE

CHROMIUM = shutil.which("chromium")
SOFFICE = shutil.which("soffice")
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

INSERTED = '<w:ins w:id="91" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r><w:t>{}</w:t></w:r></w:ins>'
DELETED = ('<w:del w:id="92" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r>'
           '<w:delText>{}</w:delText></w:r></w:del>')
CONTROL = '<w:sdt><w:sdtPr/><w:sdtContent><w:r><w:t>{}</w:t></w:r></w:sdtContent></w:sdt>'
TEXT_BOX = (  # Word writes a text box twice: DrawingML (Choice) and VML (Fallback)
    '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wps:wsp>'
    '<wps:txbx><w:txbxContent><w:p><w:r><w:t>{0}</w:t></w:r></w:p></w:txbxContent></wps:txbx>'
    '</wps:wsp></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>'
    '<w:txbxContent><w:p><w:r><w:t>{0}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape>'
    '</w:pict></mc:Fallback></mc:AlternateContent></w:r>')
FOOTNOTE_REF = '<w:r><w:footnoteReference w:id="1"/></w:r>'
FOOTNOTES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W_NS}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:footnote></w:footnotes>')
FOOTNOTES_REL = ('<Relationship Id="rIdFn1" Type="http://schemas.openxmlformats.org/'
                 'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>')
FOOTNOTES_TYPE = ('<Override PartName="/word/footnotes.xml" ContentType="application/'
                  'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>')

# What the rich .docx says, for the assertions.
RICH = {
    "title": "某镇2023年工作总结",
    "h1": "一、经济运行稳中有进",
    "h1_zh": "二、民生事业持续改善",  # the style named "标题 1"
    "h2_outline": "重点项目建设",  # a custom style with w:outlineLvl 1 -> level 2
    "body": "全镇完成地区生产总值12.5亿元，同比增长6.3%，农村公路建设里程达到48公里。",
    "inserted": "新建户户通水泥路",  # inside a tracked insertion
    "deleted": "这段文字已被删除",
    "control": "内容控件里的乡村振兴示范点",
    "box": "文本框中的便民服务中心",
    "footnote": "注：数据来源于镇统计站年报",
    "cells": ["项目名称", "完成投资", "进度"],
    "body2": "城乡居民医保参保率达到98.6%，新建日间照料中心3所。",
}


def _patch(data: bytes, edit) -> bytes:
    """The package with each member's bytes passed through ``edit(name, bytes)``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w",
                                                                     zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, edit(info.filename, src.read(info)))
        for name, extra in edit(None, None) or []:
            dst.writestr(name, extra)
    return out.getvalue()


def rich_docx() -> bytes:
    """Headings by style (English built-in, a style named 标题 1, a custom style with an outline
    level), a typed ``（一）`` heading, a table, a footnote, a text box, a content control, a
    tracked insertion and a deletion."""
    d = docx.Document()
    d.add_paragraph(RICH["title"], style="Title")
    d.add_heading(RICH["h1"], level=1)
    d.add_paragraph(RICH["body"] + "MARK_NOTE")
    d.add_paragraph("全年MARK_INS，MARK_DEL共计30公里。")
    d.add_paragraph("MARK_SDT")
    d.add_paragraph("MARK_BOX")
    table = d.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, RICH["cells"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["镇区污水管网", "860万元", "完工"], strict=True):
        cell.text = text
    zh = d.styles.add_style("标题 1", WD_STYLE_TYPE.PARAGRAPH)
    zh.base_style = d.styles["Normal"]
    d.add_paragraph(RICH["h1_zh"], style=zh)
    custom = d.styles.add_style("报告小标题", WD_STYLE_TYPE.PARAGRAPH)
    ppr = custom.element.get_or_add_pPr()
    outline = ppr.makeelement(f"{{{W_NS}}}outlineLvl", {f"{{{W_NS}}}val": "1"})
    ppr.append(outline)
    d.add_paragraph(RICH["h2_outline"], style=custom)
    d.add_paragraph("（一）教育医疗")
    d.add_paragraph(RICH["body2"])
    buffer = io.BytesIO()
    d.save(buffer)

    def edit(name, data):
        if name is None:
            return [("word/footnotes.xml", FOOTNOTES.format(RICH["footnote"]).encode())]
        if name == "word/document.xml":
            xml = data.decode()
            xml = xml.replace("MARK_NOTE</w:t></w:r>", "</w:t></w:r>" + FOOTNOTE_REF)
            xml = xml.replace("MARK_INS", "</w:t></w:r>" + INSERTED.format(RICH["inserted"])
                              + "<w:r><w:t>")
            xml = xml.replace("MARK_DEL", "</w:t></w:r>" + DELETED.format(RICH["deleted"])
                              + "<w:r><w:t>")
            xml = xml.replace("<w:r><w:t>MARK_SDT</w:t></w:r>", CONTROL.format(RICH["control"]))
            xml = xml.replace("<w:r><w:t>MARK_BOX</w:t></w:r>", TEXT_BOX.format(RICH["box"]))
            return xml.encode()
        if name == "word/_rels/document.xml.rels":
            return data.replace(b"</Relationships>", FOOTNOTES_REL.encode() + b"</Relationships>")
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", FOOTNOTES_TYPE.encode() + b"</Types>")
        return data

    return _patch(buffer.getvalue(), edit)


def chinese_word_docx(paragraphs: list[tuple[str, int | None]]) -> bytes:
    """A .docx as Chinese Word saves it: the heading styles' ids are "1", "2" (their names stay
    "heading 1"). ``paragraphs``: (text, heading level or None)."""
    d = docx.Document()
    for text, level in paragraphs:
        if level:
            d.add_heading(text, level=level)
        else:
            d.add_paragraph(text)
    buffer = io.BytesIO()
    d.save(buffer)

    def edit(name, data):
        if name in ("word/document.xml", "word/styles.xml"):
            return re.sub(rb'(w:(?:val|styleId)=")Heading(\d)"', rb'\g<1>\2"', data)
        return None if name is None else data

    return _patch(buffer.getvalue(), edit)


def with_document_xml(data: bytes, document_xml: bytes) -> bytes:
    return _patch(data, lambda name, old: None if name is None else
                  (document_xml if name == "word/document.xml" else old))


def zip_bomb_docx(unpacked_mb: int = 300) -> bytes:
    """A valid .docx with a member that unpacks to ``unpacked_mb`` MB of zeros."""
    plain = chinese_word_docx([("正文。", None)])

    def edit(name, data):
        if name is None:
            return [("word/media/padding.bin", b"\0" * (unpacked_mb * 1_000_000))]
        return data

    return _patch(plain, edit)


def print_pdf(html: str, out: Path, header_footer: bool = True) -> Path:
    """``html`` printed to ``out`` by headless Chromium, with its running header (date, title)
    and footer (address, "n/N") unless ``header_footer`` is False."""
    page = out.with_suffix(".html")
    page.write_text(html, "utf-8")
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               f"--user-data-dir={out.parent / ('.chromium-' + out.stem)}",
               f"--print-to-pdf={out}", page.as_uri()]
    if not header_footer:
        command.insert(1, "--no-pdf-header-footer")
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return out


def report_html(title: str, sections: list[tuple[str, list[str]]], spacing: str = "0.25em") -> str:
    """A 公文-like page: 仿宋-sized text, 28 pt lines, wide character spacing."""
    body = "".join(f"<h2>{h}</h2>" + "".join(f"<p>{p}</p>" for p in ps) for h, ps in sections)
    return (
        "<!doctype html><html><head><meta charset=utf-8>"
        f"<title>{title}</title><style>body{{font-family:'Noto Serif CJK SC','Noto Sans CJK SC';"
        f"font-size:16pt;line-height:28pt;letter-spacing:{spacing};margin:0 2cm}}"
        "h1{text-align:center;font-size:22pt} h2{font-size:16pt} p{text-indent:2em;margin:0}"
        f"</style></head><body><h1>{title}</h1>{body}</body></html>")


def without_tounicode(pdf: bytes) -> bytes:
    """The PDF with its fonts' ToUnicode maps unlinked (same length: the xref stays valid)."""
    assert b"/ToUnicode" in pdf
    return pdf.replace(b"/ToUnicode", b"/ToUnicodX")


def soffice_convert(source: Path, to: str, out_dir: Path) -> Path:
    profile = out_dir / ".profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", to, "--outdir", str(out_dir), str(source)],
                   check=True, capture_output=True, timeout=180)
    return out_dir / f"{source.stem}.{to.split(':')[0]}"

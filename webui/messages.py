"""The page's words for errors. The page is Chinese, so it says each error code in Chinese;
the API keeps the English messages of indexer.errors for scripts."""

from __future__ import annotations

# code -> the message; "code:reason" -> a message with {details}, those the error carries
# (BadParameter) or the page supplies. Without them, the plain message for the code.
CHINESE = {
    "invalid_parameter": "请求参数有误。",
    "invalid_parameter:range": "参数 {name} 应是 {low} 到 {high} 之间的整数。",
    "invalid_parameter:year": "年份应是四位数字，如 2021；“{value}”不是。",
    "invalid_query": "无法处理这个查询。",
    "invalid_query:too_long":
        "查询有 {length} 个字，超过上限 {limit} 个字（search.max_query_length）。",
    "document_not_found": "没有这份报告。",
    "document_not_found:id": "没有编号为“{doc_id}”的报告。",
    "index_not_found": "还没有索引：请先运行 report-search index。",
    "index_busy": "索引正在更新，请稍后再试。",
    "index_worker_failed": "建立索引的进程出错，请查看服务器日志。",
    "unreadable_file": "有文件无法读取，请查看服务器日志。",
    "invalid_config": "配置文件有误，请查看服务器日志。",
    "job_not_found": "没有这个索引任务。",
    "source_not_found": "找不到要索引的文件或文件夹。",
    "not_found": "没有这个页面。",
    "method_not_allowed": "这个地址不接受这种请求。",
    "method_not_allowed:method": "这个地址不接受 {method} 请求。",
    "internal": "内部错误，已记录。",
    "payload_too_large": "上传的文件太大（server.max_upload_mb）。",
    "unsupported_media_type":
        "不是可以检索的报告文件：请上传 .docx、.pdf、.doc、.wps、.txt 或 .md。",
    "no_files": "没有选择文件。",
    "not_an_upload": "这份报告来自索引的文件夹，不能在这里删除：请在文件夹中删除文件。",
    "csrf_failed": "表单已过期，请刷新页面后重试。",
    "forbidden": "没有权限。",
    "unauthorized": "请先登录。",
    "error": "出错了，请稍后再试。",
    "http_error": "无法处理这个请求。",
}
GENERIC = "出错了（{code}），请稍后再试。"


def chinese(code: str, reason: str | None = None, **details) -> str:
    """The Chinese message for an error code, its details filled in.

    >>> chinese("invalid_parameter", "range", name="page", low=1, high=1000)
    '参数 page 应是 1 到 1000 之间的整数。'
    >>> chinese("invalid_parameter", "range")  # details missing: the plain message for the code
    '请求参数有误。'
    >>> chinese("something_new")
    '出错了（something_new），请稍后再试。'
    """
    for key in (f"{code}:{reason}", code):
        if key in CHINESE:
            try:
                return CHINESE[key].format(**details)
            except (KeyError, IndexError):  # a detail is missing
                continue
    return GENERIC.format(code=code)

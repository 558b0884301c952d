from django import template

register = template.Library()


@register.filter
def in_section(path, href) -> bool:
    """{{ request.path|in_section:url }}: whether the page shown is `url` or under it (the root only itself);
    marks the current item of the navigation."""
    path, href = str(path), str(href or "")
    if not href:
        return False
    return path == href or (href.strip("/") != "" and path.startswith(href))


@register.filter
def elided_pages(page):
    """The page numbers to link around a Django Page, with Paginator.ELLIPSIS for gaps."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)

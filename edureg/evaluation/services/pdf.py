"""The decision document (PDF, A4) in Lithuanian or English.

`document(decision)` gathers what the document says (the agency, the decision's number and date, the applicant,
what was evaluated, the procedure, the outcome and validity, conditions and reasons, the criteria with weights,
mandatory flags, pass marks and aggregated scores, the total against the threshold, how many experts evaluated it
(never who) and how to appeal and by when); `decision_pdf` lays it out with reportlab in DejaVu Sans, so that the
Lithuanian letters render (the font is vendored, see edureg/indicators/summary.py). The output is invariant (no
creation date): the same decision gives the same bytes.
"""

import io
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from edureg.evaluation.choices import POSITIVE, Outcome
from edureg.evaluation.models import Decision
from edureg.evaluation.services.decisions import appeal_deadline

AGENCY = {"lt": "Nacionalinė švietimo agentūra", "en": "National Agency for Education"}
LANGUAGES = ("lt", "en")


@dataclass
class Document:
    language: str
    agency: str
    title: str
    number: str
    date: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    conditions: str = ""
    reasons: str = ""
    criteria_header: list[str] = field(default_factory=list)
    criteria: list[list[str]] = field(default_factory=list)
    scores: list[str] = field(default_factory=list)  # the total against the threshold, the experts, etc.
    appeal: str = ""

    def text(self) -> str:
        """Everything the document says, as plain text (for tests and e-mails)."""
        lines = [self.agency, self.title, *(f"{k}: {v}" for k, v in self.facts), self.conditions, self.reasons,
                 " | ".join(self.criteria_header), *(" | ".join(row) for row in self.criteria), *self.scores,
                 self.appeal]
        return "\n".join(line for line in lines if line)


def _language(language: str | None) -> str:
    code = (language or translation.get_language() or "lt")[:2].lower()
    return code if code in LANGUAGES else "lt"


def _num(value) -> str:
    if value is None or value == "":
        return "–"
    number = Decimal(str(value))
    return f"{number:.2f}".rstrip("0").rstrip(".") if number == number.to_integral() else f"{number:.2f}"


def _two(value) -> str:
    """A score or a total, always with two decimals (2.50, 75.00)."""
    return "–" if value is None or value == "" else f"{Decimal(str(value)):.2f}"


def _bilingual(lt: str, en: str, language: str) -> str:
    return (en or lt) if language == "en" else (lt or en)


def document(decision: Decision, *, language: str | None = None) -> Document:
    """What the decision document says, in `language` (default: the current language)."""
    lang = _language(language)
    with translation.override(lang):
        return _document(decision, lang)


def _document(decision: Decision, lang: str) -> Document:
    app = decision.application
    procedure = app.procedure
    institution = app.institution
    decided = timezone.localdate(decision.decided_at) if decision.decided_at else decision.valid_from
    doc = Document(language=lang, agency=AGENCY[lang], title=_("Decision on the evaluation"),
                   number=decision.number, date=decided.isoformat())
    applicant = _bilingual(institution.name, institution.name_en, lang)
    facts = [(_("Decision number"), decision.number), (_("Date"), doc.date),
             (_("Applicant"), f"{applicant} ({institution.code})"), (_("Application number"), app.number)]
    version = app.programme_version
    if version is not None:
        programme = version.programme
        facts.append((_("Programme"), f"{programme.code} {_bilingual(version.name_lt, version.name_en, lang)}"))
        facts.append((_("Version"), str(version.number)))
    else:
        facts.append((_("Subject"), app.title))
    facts.append((_("Procedure"), _bilingual(procedure.name_lt, procedure.name_en, lang)))
    if app.call_id:
        facts.append((_("Call"), _bilingual(app.call.name_lt, app.call.name_en, lang)))
    facts.append((_("Outcome"), str(Outcome(decision.outcome).label)))
    if decision.granted_amount is not None:
        facts.append((_("Granted amount"), f"{decision.granted_amount:.2f} EUR"))
    if decision.outcome in POSITIVE:
        until = decision.valid_until.isoformat() if decision.valid_until else _("no end date")
        facts.append((_("Valid"), _("from %(start)s until %(end)s") % {"start": decision.valid_from.isoformat(),
                                                                      "end": until}))
    doc.facts = facts
    if decision.conditions:
        doc.conditions = decision.conditions
    if decision.reason:
        doc.reasons = decision.reason
    summary = decision.summary or {}
    criteria = summary.get("criteria") or []
    if criteria:
        doc.criteria_header = [_("Criterion"), _("Weight"), _("Mandatory"), _("Pass mark"), _("Score")]
        for c in criteria:
            doc.criteria.append([_bilingual(c.get("name_lt", ""), c.get("name_en", ""), lang) or c.get("code", ""),
                                 _num(c.get("weight")), _("yes") if c.get("mandatory") else _("no"),
                                 _num(c.get("pass_mark")), _two(c.get("score"))])
        scale = summary.get("scale") or [procedure.scale_min, procedure.scale_max]
        doc.scores.append(_("Scores on the scale %(low)s–%(high)s, %(how)s of the experts' scores.") % {
            "low": scale[0], "high": scale[1],
            "how": _("the median") if summary.get("aggregation") == "median" else _("the mean")})
        doc.scores.append(_("Weighted total: %(total)s of 100 points; pass threshold %(threshold)s points.") % {
            "total": _two(decision.total if decision.total is not None else summary.get("total")),
            "threshold": _num(summary.get("threshold", procedure.threshold))})
        if procedure.conditions_threshold is not None and app.call_id is None:
            doc.scores.append(_("Registration with conditions from %(points)s points.") % {
                "points": _num(procedure.conditions_threshold)})
        doc.scores.append(_("Mandatory criteria met: %(answer)s.") % {
            "answer": _("yes") if summary.get("mandatory_passed", decision.mandatory_passed) else _("no")})
        doc.scores.append(_("Evaluated by %(n)s independent experts.") % {"n": summary.get("experts", 0)})
    else:
        doc.scores.append(_("Not evaluated by experts: the application was found not eligible."))
    if app.call_id:
        doc.appeal = _("This decision may be disputed as provided by the Law on Administrative Proceedings of "
                       "the Republic of Lithuania.")
    else:
        doc.appeal = _("The applicant may appeal against this decision to the agency within %(days)s days, by "
                       "%(date)s, stating the grounds (in edureg, on the application's page).") % {
            "days": procedure.appeal_days, "date": appeal_deadline(decision).isoformat()}
    return doc


def decision_pdf(decision: Decision, *, language: str | None = None, compress: bool = True) -> bytes:
    """The decision document as PDF bytes (A4), in `language` (default: the current language)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from edureg.indicators.summary import FONT, FONT_BOLD, _register_fonts

    doc = document(decision, language=language)
    _register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13, spaceAfter=4)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11)
    head = ParagraphStyle("head", parent=body, fontName=FONT_BOLD, fontSize=12, leading=15)
    title = ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=16, leading=20, spaceAfter=8)
    h2 = ParagraphStyle("h2", parent=body, fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=6)
    # Column headings wrap within their column (Lithuanian ones are long), numbers' headings right-aligned.
    th = ParagraphStyle("th", parent=small, fontName=FONT_BOLD, spaceAfter=0)
    th_right = ParagraphStyle("th_right", parent=th, alignment=2)

    def p(text, style=body):
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    with translation.override(doc.language):
        story = [p(doc.agency, head), Spacer(1, 4 * mm), p(f"{doc.title} {doc.number}", title)]
        facts = Table([[p(k, small), p(v)] for k, v in doc.facts], colWidths=[40 * mm, 130 * mm], hAlign="LEFT")
        facts.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(facts)
        if doc.conditions:
            story += [p(_("Conditions"), h2), p(doc.conditions)]
        if doc.reasons:
            story += [p(_("Reasons"), h2), p(doc.reasons)]
        story.append(p(_("Scores"), h2))
        if doc.criteria:
            header = [p(doc.criteria_header[0], th), *(p(text, th_right) for text in doc.criteria_header[1:])]
            rows = [header, *[[p(row[0], small), *row[1:]] for row in doc.criteria]]
            table = Table(rows, colWidths=[66 * mm, 16 * mm, 29 * mm, 29 * mm, 29 * mm], hAlign="LEFT", repeatRows=1)
            table.setStyle(TableStyle([
                ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD), ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#b1b4b6")),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story += [table, Spacer(1, 3 * mm)]
        story += [p(line) for line in doc.scores]
        story += [p(_("Appeal"), h2), p(doc.appeal)]

        def footer(canvas, template):
            canvas.saveState()
            canvas.setFont(FONT, 8)
            canvas.drawString(18 * mm, 10 * mm, f"{doc.agency} · {doc.number}")
            canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, str(template.page))
            canvas.restoreState()

        out = io.BytesIO()
        template = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                                     bottomMargin=18 * mm, title=f"{doc.title} {doc.number}", author=doc.agency,
                                     subject=doc.number, invariant=True, lang=doc.language,
                                     pageCompression=1 if compress else 0)
        template.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


__all__ = ["AGENCY", "Document", "decision_pdf", "document"]

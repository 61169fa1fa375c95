"""The pages of analyses: upload, result (with progress and colour check), history, deletion.

Every page reads through the owner-scoped selectors, so another person's analysis is a 404.
"""

import math
import statistics
from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from analysis import selectors, services
from analysis.api import AnalyzeRateThrottle
from analysis.forms import ColorCheckForm, UploadForm
from analysis.models import Analysis
from chromamatch.analysis import result_drape_colours, result_palette_colours
from chromamatch.colour import hex_to_lab
from chromamatch.errors import AnalysisError
from chromamatch.face_shape import explain as explain_face_shape
from chromamatch.tone import ITA_CATEGORIES, MST_SWATCHES, ita_category

# What the person can do about each quality warning of the engine (chromamatch/quality.py, and
# eyes_not_visible and hair_not_visible from chromamatch/analysis.py).
WARNING_ADVICE = {
    "multiple_faces": (
        "More than one face is in the photo; the largest was analysed. "
        "Take the selfie alone so the right face is measured."
    ),
    "blurry": "The photo is blurred. Hold the phone still or rest it on something, and retake it.",
    "too_dark": (
        "The photo is dark, which hides skin colour. Face a window or step into daylight."
    ),
    "overexposed": (
        "The photo is too bright and washes out your skin. Move out of direct sun or away "
        "from the lamp, or turn off the flash."
    ),
    "colour_cast": (
        "The light has a strong colour (a warm lamp, coloured walls). The correction takes "
        "most of it out; daylight from a window gives the most trustworthy result."
    ),
    "head_turned": ("Your head is turned, which shades one cheek. Look straight into the camera."),
    "eyes_closed": "Your eyes look closed, so their colour could not be read. Keep them open.",
    "uneven_light": (
        "The light falls unevenly on your face: one side is in shadow, or lit by a light of "
        "another colour (a lamp on one side, a window on the other), so the colour is less "
        "certain. Face one light, such as a window, so that both cheeks are lit alike."
    ),
    "heavily_compressed": (
        "The photo was saved with strong compression (an app or a messenger squeezed it), "
        "which shifts its colours. Upload the photo as your camera saved it."
    ),
    "small_face": (
        "Your face is small in the photo (a small picture, or one an app shrank), so your eye "
        "colour and season are less certain. Come closer to the camera, or upload the photo "
        "as your camera saved it."
    ),
    "face_cut_off": (
        "Part of your face is outside the photo, so one cheek was read less well. "
        "Hold the phone a little further away, with your whole face in the frame."
    ),
    "eyes_not_visible": (
        "Your eyes could not be seen clearly (sunglasses or tinted glasses, a squint, or a face "
        "too small in the photo), so their colour was left out and the season judged without "
        "it. Take the glasses off, come closer and look into the camera."
    ),
    "hair_not_visible": (
        "Your hair could not be measured (covered, shaved, out of the picture, or blurred), so "
        "the season was judged without it. Leave some hair in the picture, uncovered and sharp."
    ),
}
PALETTE_GROUPS = (
    ("best", "Your best colours"),
    ("neutrals", "Neutrals"),
    ("avoid", "Colours to avoid"),
)
# The progress page reloads itself this often (seconds) when JavaScript is off.
REFRESH_SECONDS = 3


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    if request.method == "GET":
        return render(request, "analysis/upload.html", {"form": UploadForm()})
    form = UploadForm(request.POST, request.FILES)
    # Page uploads and API uploads share one budget per person.
    throttle = AnalyzeRateThrottle()
    if not throttle.allow_request(request, None):
        form.add_error(None, "You have sent a lot of photos in the last hour. Try again later.")
        response = render(request, "analysis/upload.html", {"form": form}, status=429)
        response["Retry-After"] = str(int(throttle.wait() or 60))
        return response
    if form.is_valid():
        try:
            analysis = services.analysis_create(
                owner=request.user, data=form.cleaned_data["photo"].read()
            )
        except AnalysisError as error:
            form.add_error("photo", error.message)
        else:
            return redirect("analysis:result", pk=analysis.pk)
    return render(request, "analysis/upload.html", {"form": form}, status=400)


@login_required
@require_GET
def result(request, pk: int):
    analysis = selectors.analysis_of(request.user, pk)
    return render(request, "analysis/result.html", _result_context(analysis, ColorCheckForm()))


@login_required
@require_http_methods(["GET", "POST"])
def colour_check(request, pk: int):
    """Judge a picked colour by this analysis (the page twin of POST /api/color-check)."""
    analysis = selectors.analysis_of(request.user, pk)
    if request.method == "GET":
        return redirect("analysis:result", pk=analysis.pk)
    form = ColorCheckForm(request.POST)
    check = None
    if analysis.status != Analysis.Status.DONE:
        form.add_error(None, "This analysis has no result to judge a colour by.")
    elif form.is_valid():
        try:
            check = selectors.colour_check_of(analysis, form.cleaned_data["hex"])
        except ValueError as exc:
            form.add_error("hex", str(exc))
    context = _result_context(analysis, form, check=check)
    return render(request, "analysis/result.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def selfie_image(request, pk: int):
    analysis = selectors.analysis_of(request.user, pk)
    return _stored_file(analysis.selfie.image, "image/jpeg")


@login_required
@require_GET
def drape_image(request, pk: int):
    analysis = selectors.analysis_of(request.user, pk)
    try:
        drape = services.analysis_drape(analysis=analysis)
    except services.DrapeUnavailable as exc:
        context = {"analysis": analysis, "message": exc.message}
        return render(request, "analysis/drape_unavailable.html", context, status=exc.http_status)
    return _stored_file(drape, "image/png")


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, pk: int):
    analysis = selectors.analysis_of(request.user, pk)
    # A delete button posts without ``confirmed``; the script's dialog adds it. Without
    # JavaScript the post lands here, and the confirmation page asks first.
    if request.method == "POST" and request.POST.get("confirmed") == "yes":
        services.analysis_delete(analysis=analysis)
        messages.success(request, "The analysis and its photo have been deleted.")
        return redirect("analysis:history")
    return render(request, "analysis/delete.html", {"analysis": analysis})


@login_required
@require_GET
def history(request):
    analyses = list(selectors.analyses_of(request.user))
    measured = [a for a in reversed(analyses) if a.status == Analysis.Status.DONE and a.result]
    return render(
        request,
        "analysis/history.html",
        {
            "analyses": analyses,
            "chart": ita_chart(measured),
            "consistency": consistency(measured),
        },
    )


def _stored_file(field, content_type: str):
    """Stream a stored picture, or send the browser to a short-lived signed URL on S3."""
    if not field:
        raise Http404("This picture is not stored (it was never made or has been deleted).")
    if settings.STORAGES["default"]["BACKEND"].endswith("S3Storage"):
        return redirect(default_storage.url(field.name))
    response = FileResponse(field.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def _result_context(analysis: Analysis, form: ColorCheckForm, check: dict | None = None) -> dict:
    context = {
        "analysis": analysis,
        "color_form": form,
        "check": check,
        "refresh_seconds": REFRESH_SECONDS,
    }
    if analysis.status != Analysis.Status.DONE or not analysis.result:
        return context
    result = analysis.result
    palette = result.get("palette") or {}
    colours = result_palette_colours(result)
    context.update(
        result=result,
        ita_category=result["skin"]["ita_category"].replace("_", " "),
        mst_scale=[
            {
                "level": level,
                "hex": hex_,
                "current": level == result["skin"]["mst"],
                # Levels 7-10 are too dark for dark text (1.4:1 on level 9).
                "dark": hex_to_lab(hex_)[0] < 50,
            }
            for level, hex_ in enumerate(MST_SWATCHES, start=1)
        ],
        palette_groups=[
            {
                "key": key,
                "title": title,
                "colours": colours[key],
            }
            for key, title in PALETTE_GROUPS
        ],
        metals=palette.get("metals", []),
        # The picture's own labels are too small to read on a phone: named again below it.
        drape_rows=dict(zip(("best", "avoid"), result_drape_colours(result), strict=True)),
        face_shape=explain_face_shape(
            result["face_shape"]["label"], result["face_shape"].get("measurements", {})
        ),
        advice=_grouped_advice(result.get("recommendations", [])),
        warnings=[
            {"code": code, "advice": WARNING_ADVICE.get(code, code.replace("_", " ").capitalize())}
            for code in result.get("quality", {}).get("warnings", [])
        ],
    )
    return context


# Headings for the engine's advice categories (INTERFACES.md names them in one word).
ADVICE_HEADINGS = {"makeup": "Make-up"}


def _grouped_advice(recommendations: list[dict]) -> list[dict]:
    groups: dict[str, list[dict]] = {}
    for item in recommendations:
        groups.setdefault(item["category"], []).append(item)
    return [
        {"heading": ADVICE_HEADINGS.get(category, category.capitalize()), "items": items}
        for category, items in groups.items()
    ]


# Narrow enough that its 15-unit text stays readable when a phone shrinks it to fit.
CHART_WIDTH, CHART_HEIGHT = 480, 250
CHART_PAD = {"left": 46, "right": 12, "top": 12, "bottom": 36}
# However steady the measurements, the chart spans at least this many ITA degrees, so a
# difference of half a degree does not fill the height and look like a swing.
CHART_MIN_SPAN = 20.0
# ITA degrees between labelled grid lines: the finest of these that keeps the labels apart.
CHART_TICK_STEPS = (5, 10, 20, 50)
# Chart units between two labels of the degree axis, so the 15-unit text never overlaps.
CHART_LABEL_GAP = 17


def ita_chart(analyses: list[Analysis]) -> dict | None:
    """Geometry of the skin-tone chart (ITA of each analysis, oldest first), for the SVG
    drawn by the history page; None without any measurement."""
    if not analyses:
        return None
    itas = [a.result["skin"]["ita"] for a in analyses]
    middle = (max(itas) + min(itas)) / 2
    half = max(max(itas) - min(itas), CHART_MIN_SPAN) / 2 + 3
    low, high = middle - half, middle + half
    plot_w = CHART_WIDTH - CHART_PAD["left"] - CHART_PAD["right"]
    plot_h = CHART_HEIGHT - CHART_PAD["top"] - CHART_PAD["bottom"]

    def y(ita: float) -> float:
        return round(CHART_PAD["top"] + (high - ita) / (high - low) * plot_h, 1)

    step = plot_w / (len(analyses) - 1) if len(analyses) > 1 else 0
    points = []
    for index, (analysis, ita) in enumerate(zip(analyses, itas, strict=True)):
        x = CHART_PAD["left"] + (index * step if step else plot_w / 2)
        points.append(
            {
                "x": round(x, 1),
                "y": y(ita),
                "hex": analysis.result["skin"]["hex"],
                "label": f"{analysis.selfie.created:%d %b %Y, %H:%M} UTC: ITA {ita:.1f}°, "
                f"Monk {analysis.result['skin']['mst']}",
            }
        )
    # The ITA category boundaries that fall inside the chart, as labelled lines, and a scale
    # of round values between them, so that the height reads in degrees even when every
    # analysis lies in one band.
    bounds = [
        {"y": y(cut), "label": f"{cut:.0f}°", "name": name.replace("_", " ")}
        for cut, name, _ in ITA_CATEGORIES
        if low < cut < high
    ]
    per_degree = plot_h / (high - low)
    tick = next(
        (s for s in CHART_TICK_STEPS if s * per_degree >= CHART_LABEL_GAP), CHART_TICK_STEPS[-1]
    )
    ticks = [
        {"y": y(value), "label": f"{value}°"}
        for value in range(math.ceil(low / tick) * tick, math.floor(high) + 1, tick)
        # A band edge is labelled already; a round value too close to one would overprint it.
        if all(abs(y(value) - bound["y"]) >= CHART_LABEL_GAP for bound in bounds)
    ]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_PAD["left"],
        "right": CHART_WIDTH - CHART_PAD["right"],
        "bottom": CHART_HEIGHT - CHART_PAD["bottom"],
        "points": points,
        "line": " ".join(f"{p['x']},{p['y']}" for p in points),
        "bounds": bounds,
        "ticks": ticks,
        # Without a boundary inside the chart, every analysis lies in this band.
        "band": None if bounds else ita_category(middle)[0].replace("_", " "),
        **_time_axis(analyses[0].selfie.created, analyses[-1].selfie.created),
    }


def _time_axis(first, last) -> dict:
    """The labels at either end of the chart's time axis: dates, or, for analyses of one day,
    which would read "29 Nov 2026" at both ends, the day and the times."""
    if first.date() != last.date():
        return {"first": f"{first:%d %b %Y}", "last": f"{last:%d %b %Y}"}
    return {"first": f"{first:%d %b %Y, %H:%M}", "last": f"{last:%H:%M} UTC"}


# ITA standard deviation (degrees) over a person's analyses beyond which the history says the
# photos' light, not the person, made most of the difference.
LARGE_ITA_SPREAD = 8.0


def consistency(analyses: list[Analysis]) -> str | None:
    """One sentence on how steady the measurements are across a person's analyses."""
    if not analyses:
        return None
    seasons = Counter(a.result["season"]["label"] for a in analyses)
    named = ", ".join(f"{label} ×{count}" for label, count in seasons.most_common())
    if len(analyses) == 1:
        return (
            f"One analysis so far (season: {named}). Analyse another photo, in other light, "
            "to see how steady the measurement is."
        )
    itas = [a.result["skin"]["ita"] for a in analyses]
    spread = statistics.stdev(itas)
    measured = (
        f"Your ITA varied by {spread:.1f}° (standard deviation) over {len(analyses)} analyses"
        + (
            # Two photos of one person in ordinary light differ by a few degrees (the relit
            # development copies by a median 4); far more means light the correction could
            # not take out, which the photos' own warnings name.
            " (more than light alone explains: some photos were likely too dark, too bright "
            "or lit by strongly coloured light; their warnings say which); "
            if spread > LARGE_ITA_SPREAD
            else "; "
        )
    )
    if len(seasons) == 1:
        return measured + f"every one gave {next(iter(seasons))}."
    # A person near a boundary between two seasons lands on either side from photo to photo
    # (about one pair of photos in four on the development set, docs/season.md): say which one
    # their photos agree on, or that they do not yet.
    (first, first_count), (_, second_count) = seasons.most_common(2)
    if first_count == second_count:
        settle = (
            "no season has come up more often than the others yet: another photo, facing a "
            "window in daylight, will settle it."
        )
    else:
        settle = f"{first} is the one your photos agree on most often."
    return (
        measured + f"seasons: {named}. Photos in other light or with another expression can "
        f"land in another season, most often a neighbouring one; {settle}"
    )

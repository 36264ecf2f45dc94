"""PDF engine access (pypdfium2, passed in by the caller so that it is imported only when a PDF is
read): a page's characters as geometry tuples and its ruling lines, in displayed orientation."""

from __future__ import annotations

import struct
import unicodedata

# pypdfium2 constants (kept here so the engine is imported only inside read_pdf)
_OBJ_TEXT, _OBJ_PATH, _OBJ_IMAGE, _OBJ_FORM = 1, 2, 3, 5
_SEG_MOVETO = 2


def _display_transform(rotation: int, box: tuple[float, float, float, float]):
    """User-space point → displayed page point (top-left origin), for /Rotate 0/90/180/270."""
    cl, cb, cr, ct = box
    if rotation == 90:
        return lambda x, y: (y - cb, x - cl)
    if rotation == 180:
        return lambda x, y: (cr - x, y - cb)
    if rotation == 270:
        return lambda x, y: (ct - y, cr - x)
    return lambda x, y: (x - cl, ct - y)


def _tbox(tf, l: float, b: float, r: float, t: float) -> tuple[float, float, float, float]:
    x0, y0 = tf(l, b)
    x1, y1 = tf(r, t)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


_SKIP = frozenset((0x20, 0x0D, 0x0A, 0x09, 0xA0, 0x3000, 0xFFFE, 0xFFFF, 0x00, 0x2002, 0x2003))
_SPACE = frozenset((0x20, 0xA0, 0x3000, 0x2002, 0x2003))


def _untyped(fn, ctypes):
    """The same C function without ctypes' per-call argument conversion (about half the cost of
    a call); callers pass ctypes objects of exactly the declared types."""
    g = type(fn)(ctypes.cast(fn, ctypes.c_void_p).value)
    g.restype = fn.restype
    return g


def _chars(tp, pc, tf, rotation: int, ctypes, text: str | None = None):
    """The page's printable characters as geometry tuples; counts of unusable and all chars.

    Per character: its advance box (x extent), its baseline origin (vertical position, the
    same for every glyph of a line, unlike glyph boxes of ``,``/``.``) and font size.
    Characters not upright in the displayed page (diagonal watermarks) are skipped.

    Speed: on an upright page, a character on exactly the baseline and with the box height (or
    else the font size) of the run before it continues that run of text, so it reuses the run's
    em and rotation test instead of asking PDFium again (two or three calls per character
    instead of five).
    Unmapped characters (a font without a ToUnicode map) are likewise found once per run and
    counted as unusable.
    """
    n = pc.FPDFText_CountChars(tp)
    if n <= 0:
        return [], 0, 0
    codes = [ord(ch) for ch in text] if text is not None and len(text) == n else None
    get_u = _untyped(pc.FPDFText_GetUnicode, ctypes)
    get_loose = _untyped(pc.FPDFText_GetLooseCharBox, ctypes)
    get_origin = _untyped(pc.FPDFText_GetCharOrigin, ctypes)
    get_size = _untyped(pc.FPDFText_GetFontSize, ctypes)
    get_angle = _untyped(pc.FPDFText_GetCharAngle, ctypes)
    map_err = _untyped(pc.FPDFText_HasUnicodeMapError, ctypes)
    get_matrix = _untyped(pc.FPDFText_GetMatrix, ctypes)
    get_box = _untyped(pc.FPDFText_GetCharBox, ctypes)
    byref = ctypes.byref
    mat = pc.FS_MATRIX()
    mat_ref = byref(mat)
    ox, oy = ctypes.c_double(), ctypes.c_double()
    ox_ref, oy_ref = byref(ox), byref(oy)
    bl, br, bb, bt = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    rect = pc.FS_RECTF()
    rect_ref = byref(rect)
    read_rect = struct.Struct("4f").unpack_from  # FS_RECTF (left, top, right, bottom) in one call
    out = []
    append = out.append
    n_bad = n_all = 0
    spaced = False
    scales: dict[tuple[float, float], float] = {}
    rot_rad = {0: 0.0, 90: 1.5708, 180: 3.1416, 270: 4.7124}.get(rotation, 0.0)
    upright_page = rotation == 0
    # the current run of text: its baseline (user space), em, whether it is skipped
    run_base = run_fs = run_h = None
    run_em = 0.0
    last_top = last_bot = None  # the box of the character before
    run_skip = False
    run_bad = 0  # 1 when the run's characters are unmapped (counted as unusable)
    if upright_page:
        # user space -> display: x - left, top - y (inlined for speed)
        dx, ct = tf(0.0, 0.0)
    for i in range(n):
        u = codes[i] if codes is not None else get_u(tp, i)
        if u == 0xFFFE:  # a "-" ending a line, which PDFium takes for hyphenation: it is printed
            u = 0x2D
        if u in _SKIP:
            spaced = u in _SPACE
            continue
        sp, spaced = spaced, False
        n_all += 1
        if u == 0xFFFD or 0xE000 <= u <= 0xF8FF or u < 0x20 or u >= 0xF0000:
            n_bad += 1
            continue
        get_loose(tp, i, rect_ref)
        r_left, r_top, r_right, r_bot = read_rect(rect)
        if r_top == last_top and r_bot == last_bot and upright_page:
            # the box's top and bottom of the character before: same line, font and size
            same = True
        else:
            last_top, last_bot = r_top, r_bot
            get_origin(tp, i, ox_ref, oy_ref)
            oyv = oy.value
            r_h = r_top - r_bot
            # same baseline, and the same box height (a font with ascent and descent) or font size
            same = oyv == run_base and upright_page and (r_h == run_h or get_size(tp, i) == run_fs)
        if same:
            if run_skip:
                n_bad += run_bad
                continue
            x0 = r_left + dx
            x1 = r_right + dx
            base = ct - run_base
            em = run_em
        else:
            # the run's first character: everything is asked of PDFium
            fs = get_size(tp, i)
            if map_err(tp, i) == 1:  # a font without a ToUnicode mapping: its text is not read
                n_bad += 1
                run_base, run_fs, run_h, run_skip, run_bad = oyv, fs, r_h, True, 1
                continue
            if upright_page:
                x0 = r_left + dx
                x1 = r_right + dx
                base = ct - oyv
                lh = r_top - r_bot
                shifted = abs(ox.value - r_left) > 0.05 * (r_right - r_left) + 0.05
            else:
                x0, ltop, x1, lbot = _tbox(tf, r_left, r_bot, r_right, r_top)
                _oxd, base = tf(ox.value, oyv)
                lh = lbot - ltop
                shifted = True
            skip = False
            if shifted:
                # the origin is not at the left of the advance box: maybe rotated text
                ang = get_angle(tp, i)
                ang = (max(ang, 0.0) + rot_rad) % 6.2832
                skip = 0.05 < ang < 6.2332
            # the font size times the scale of the text matrix (e.g. 300 pt × 0.05); the scale
            # is looked up once per (size, box height) since it changes only between text objects
            key = (fs, int(lh * 8.0))
            scale = scales.get(key)
            if scale is None:
                get_matrix(tp, i, mat_ref)
                scale = scales[key] = abs(mat.a * mat.d - mat.b * mat.c) ** 0.5
            em = fs * scale
            if not (0.3 * lh <= em <= 3.0 * lh):
                em = max(lh, x1 - x0, 1.0)
            run_base, run_fs, run_h, run_em, run_skip, run_bad = oyv, fs, r_h, em, skip, 0
            if skip:
                continue
        if not (x1 - x0 > 0.05):
            # no advance width (odd font metrics): fall back to the glyph box
            get_box(tp, i, byref(bl), byref(br), byref(bb), byref(bt))
            x0, _t, x1, _b = _tbox(tf, bl.value, bb.value, br.value, bt.value)
            if not (x1 - x0 > 0.05):
                continue
        if 0x2E80 <= u <= 0x2FDF:
            ch = unicodedata.normalize("NFKC", chr(u))
        else:
            ch = chr(u)
        if sp:  # a space character printed before it (narrower than the gap that makes a space)
            append((x0, base - 0.88 * em, x1, base + 0.12 * em, base - 0.38 * em, em, ch, True))
        else:
            append((x0, base - 0.88 * em, x1, base + 0.12 * em, base - 0.38 * em, em, ch))
    return out, n_bad, n_all


def _rules(page, pc, tf, ctypes):
    """Horizontal ``(y, x0, x1)`` and vertical ``(x, y0, y1)`` rules drawn on the page.

    Also returns the number of text objects and the area covered by images (for the
    no-text-layer warning).
    """
    hs: list[tuple[float, float, float]] = []
    vs: list[tuple[float, float, float]] = []
    counts = {"text": 0, "image": 0.0}
    budget = [20000]  # path segments examined per page
    fl, fb, fr, ft = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    mat = pc.FS_MATRIX()
    px, py = ctypes.c_float(), ctypes.c_float()
    fillmode, stroke = ctypes.c_int(), ctypes.c_int()

    def add_box(x0, y0, x1, y1):
        w, h = x1 - x0, y1 - y0
        if h <= 3.0 and w >= 3.0:
            hs.append(((y0 + y1) / 2, x0, x1))
        elif w <= 3.0 and h >= 3.0:
            vs.append(((x0 + x1) / 2, y0, y1))

    def apply(m, x, y):
        return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])

    dx, dy = tf(0.0, 0.0)
    upright = tf(1.0, 1.0) == (dx + 1.0, dy - 1.0)

    def to_display(m, l, b, r, t):
        if m is None:
            if upright:
                return (l + dx, dy - t, r + dx, dy - b)
            return _tbox(tf, l, b, r, t)
        pts = [apply(m, l, b), apply(m, r, b), apply(m, l, t), apply(m, r, t)]
        xs = [q[0] for q in pts]
        ys = [q[1] for q in pts]
        return _tbox(tf, min(xs), min(ys), max(xs), max(ys))

    def mul(m1, m2):  # m1 then m2
        a, b, c, d, e, f = m1
        A, B, C, D, E, F = m2
        return (
            a * A + b * C,
            a * B + b * D,
            c * A + d * C,
            c * B + d * D,
            e * A + f * C + E,
            e * B + f * D + F,
        )

    def path_segments(obj, parent_m):
        """Axis-aligned pieces of a larger path (a whole grid drawn as one path)."""
        nseg = pc.FPDFPath_CountSegments(obj)
        if nseg <= 0 or nseg > budget[0]:
            return  # drawings with huge paths (maps, charts) hold no table rules worth the time
        budget[0] -= nseg
        pc.FPDFPageObj_GetMatrix(obj, mat)
        m = (mat.a, mat.b, mat.c, mat.d, mat.e, mat.f)
        if parent_m is not None:
            m = mul(m, parent_m)
        pc.FPDFPath_GetDrawMode(obj, fillmode, stroke)
        stroked = bool(stroke.value)
        sub: list[tuple[float, float]] = []
        subs = []
        for k in range(nseg):
            seg = pc.FPDFPath_GetPathSegment(obj, k)
            pc.FPDFPathSegment_GetPoint(seg, px, py)
            pt = tf(*apply(m, px.value, py.value))
            if pc.FPDFPathSegment_GetType(seg) == _SEG_MOVETO and sub:
                subs.append(sub)
                sub = []
            sub.append(pt)
            if pc.FPDFPathSegment_GetClose(seg) and sub:
                sub.append(sub[0])
        if sub:
            subs.append(sub)
        for sp in subs:
            if stroked:
                for (x0, y0), (x1, y1) in zip(sp, sp[1:]):
                    if abs(y1 - y0) <= 1.0 and abs(x1 - x0) >= 3.0:
                        hs.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
                    elif abs(x1 - x0) <= 1.0 and abs(y1 - y0) >= 3.0:
                        vs.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
            else:
                xs = [q[0] for q in sp]
                ys = [q[1] for q in sp]
                add_box(min(xs), min(ys), max(xs), max(ys))

    get_type = _untyped(pc.FPDFPageObj_GetType, ctypes)
    get_bounds = _untyped(pc.FPDFPageObj_GetBounds, ctypes)
    bounds = tuple(ctypes.byref(v) for v in (fl, fb, fr, ft))

    def walk(container, count, get, parent_m, depth):
        get = _untyped(get, ctypes)
        for k in range(count(container)):
            obj = get(container, k)
            typ = get_type(obj)
            if typ == _OBJ_PATH:
                if not get_bounds(obj, *bounds):
                    continue
                l, b, r, t = fl.value, fb.value, fr.value, ft.value
                if parent_m is None and r - l < 3.0 and t - b < 3.0:
                    continue  # a dot (e.g. the corner pieces some writers draw at every crossing)
                x0, y0, x1, y1 = to_display(parent_m, l, b, r, t)
                if x1 - x0 > 3.0 and y1 - y0 > 3.0:
                    path_segments(obj, parent_m)
                else:
                    add_box(x0, y0, x1, y1)
            elif typ == _OBJ_TEXT:
                counts["text"] += 1
            elif typ == _OBJ_IMAGE:
                if pc.FPDFPageObj_GetBounds(obj, fl, fb, fr, ft):
                    x0, y0, x1, y1 = to_display(parent_m, fl.value, fb.value, fr.value, ft.value)
                    counts["image"] += max(0.0, x1 - x0) * max(0.0, y1 - y0)
            elif typ == _OBJ_FORM and depth < 4:
                pc.FPDFPageObj_GetMatrix(obj, mat)
                m = (mat.a, mat.b, mat.c, mat.d, mat.e, mat.f)
                if parent_m is not None:
                    m = mul(m, parent_m)
                walk(obj, pc.FPDFFormObj_CountObjects, pc.FPDFFormObj_GetObject, m, depth + 1)

    walk(page, pc.FPDFPage_CountObjects, pc.FPDFPage_GetObject, None, 0)
    return hs, vs, counts["text"], counts["image"]



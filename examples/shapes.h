/* shapes.h - deterministic synthetic image-caption pairs and few-shot domains, one C99 header.

   Do this:
       #define SHAPES_IMPLEMENTATION
   before you include this file in *one* C or C++ file to create the implementation.
   Every other file includes it without the define and sees only the declarations.

       #define SHAPES_IMPLEMENTATION
       #include "shapes.h"

   Build with any C99 (or C++) compiler; only libc is needed (no libm).

   WHAT IT MAKES
       Pictures of coloured shapes on a plain background, with an English caption:
           "two small red triangles at the top left"
           "a photo of a large blue striped circle in the center"
           "a green square at the bottom and two small white crosses at the top"
       for pretraining a small CLIP, and labelled image sets ("domains") for N-way K-shot
       episodes on targets at growing distance from that pretraining distribution:
           clean    the pretraining distribution itself, one group of objects per image
           noisy    blurred, then strong per-pixel noise
           sketch   dark outlines on paper: no fill, no colour
           palette  inverted, channel-permuted or two-tone colours, different per image
           novel    held-out shapes that no caption ever shows, named with made-up words
                    ("blick", "dax", ...), so zero-shot prompts should be near chance
       The class of a domain image is its shape; the class name is the folder name.

   QUICK NOTES
       - Deterministic and portable: sample `index` of stream `seed` depends on (seed, index)
         only, never on which samples were drawn before, and its bytes are the same on every
         platform and compiler. All geometry is integer (positions in 1/256 pixel, angles from
         a sine table written below), randomness is splitmix64; there is no floating point.
       - Thread-safe: no mutable global state; call it from as many threads as you like (the
         file writers' messages use strerror, which some C libraries keep in a static buffer).
       - The library never prints and never exits. Functions return 0 (or a length) on
         success and -1 on bad arguments; file writing also fills a caller's message buffer.
       - Images are RGB8, row-major [h][w][3], 16 <= w, h <= SHAPES_MAX_SIZE. Drawn at any size;
         64x64 is typical. Each pixel is the average of 4x4 sub-samples (anti-aliased edges).
       - Speed: a 64x64 caption sample takes about 0.15 ms on one core (sketch images, which
         test every sub-sample nine times, about 0.8 ms).

   CONFIGURATION (define before including the implementation)
       SHAPES_STATIC            make every function static (two copies may then be linked)
       SHAPES_NO_STDIO          no file writing (shapes_write_ppm, shapes_write_domain)
       SHAPES_MALLOC, SHAPES_FREE   your allocator (define both or neither); only the file
                                writers allocate (one image buffer and a path)

   API TOUR
       unsigned char rgb[64 * 64 * 3];
       char caption[SHAPES_CAPTION_MAX];
       shapes_caption_sample(seed, i, 64, 64, rgb, caption, sizeof caption); // pretraining
       int d = shapes_domain_lookup("sketch");
       for (c = 0; c < shapes_domain_num_classes(d); c++)                    // "circle", ...
           shapes_domain_sample(d, c, seed, i, 64, 64, rgb);                 // class c image
       shapes_write_domain("data/sketch", d, 16, 64, seed, err, sizeof err); // ImageFolder
       // building blocks: a scene is what a picture shows (groups of objects, background)
       shapes_scene s;  shapes_sample_scene(seed, i, &s);    // the scene of caption sample i
       shapes_render_scene(&s, SHAPES_DOMAIN_CLEAN, seed2, 64, 64, rgb);
       shapes_describe(&s, seed3, caption, sizeof caption);

   CONTENTS (the implementation reads top to bottom in this order)
       [1] utilities        splitmix64 streams, integer division helpers, the sine table
       [2] geometry         the shapes as unions/differences of polygons and discs
       [3] scenes           colours, backgrounds, sampling what a picture shows
       [4] drawing          placing objects, filling with textures, outlines, anti-aliasing
       [5] domains          blur and noise, palette changes, the class lists
       [6] captions         the caption grammar
       [7] files            PPM writing, ImageFolder trees

   LICENSE: MIT, see the end of the file.
*/
#ifndef SHAPES_H
#define SHAPES_H

#include <stddef.h>
#include <stdint.h>

#ifdef SHAPES_STATIC
#if defined(__GNUC__) || defined(__clang__)
#define SHAPESDEF static __attribute__((unused)) /* a program need not call every function */
#else
#define SHAPESDEF static
#endif
#else
#ifdef __cplusplus
#define SHAPESDEF extern "C"
#else
#define SHAPESDEF extern
#endif
#endif

#define SHAPES_CAPTION_MAX 256  /* every caption fits in this many bytes, NUL included */
#define SHAPES_MAX_SIZE 4096    /* largest image width or height */

/* Shapes. The first SHAPES_NUM_PRETRAIN appear in captions and in the clean, noisy, sketch and
   palette domains; the rest are held out: only the novel domain shows them. */
enum {
    SHAPES_CIRCLE, SHAPES_SQUARE, SHAPES_TRIANGLE, SHAPES_STAR, SHAPES_CROSS, SHAPES_RING,
    SHAPES_DIAMOND, SHAPES_HEXAGON, SHAPES_HEART,
    SHAPES_CRESCENT, SHAPES_ARROW, SHAPES_SEMICIRCLE, SHAPES_HOURGLASS, SHAPES_ELL,
    SHAPES_FRAME,
    SHAPES_NUM_SHAPES,
    SHAPES_NUM_PRETRAIN = SHAPES_CRESCENT
};

/* Object colours. */
enum {
    SHAPES_RED, SHAPES_GREEN, SHAPES_BLUE, SHAPES_YELLOW, SHAPES_PURPLE, SHAPES_ORANGE,
    SHAPES_WHITE, SHAPES_BLACK, SHAPES_PINK, SHAPES_BROWN, SHAPES_GRAY,
    SHAPES_NUM_COLOURS
};

/* Background colours. */
enum {
    SHAPES_BG_WHITE, SHAPES_BG_LIGHT_GRAY, SHAPES_BG_GRAY, SHAPES_BG_DARK_GRAY, SHAPES_BG_BLACK,
    SHAPES_BG_BEIGE, SHAPES_BG_LIGHT_BLUE, SHAPES_BG_LIGHT_GREEN,
    SHAPES_NUM_BACKGROUNDS
};

enum { SHAPES_SMALL, SHAPES_LARGE, SHAPES_NUM_SIZES };
enum { SHAPES_SOLID, SHAPES_STRIPED, SHAPES_DOTTED, SHAPES_NUM_TEXTURES };

/* Regions: the cells of a 3x3 grid, row-major (region = 3 * row + column). */
enum {
    SHAPES_TOP_LEFT, SHAPES_TOP, SHAPES_TOP_RIGHT,
    SHAPES_LEFT, SHAPES_CENTER, SHAPES_RIGHT,
    SHAPES_BOTTOM_LEFT, SHAPES_BOTTOM, SHAPES_BOTTOM_RIGHT,
    SHAPES_NUM_REGIONS
};

/* Domains (see WHAT IT MAKES). */
enum {
    SHAPES_DOMAIN_CLEAN, SHAPES_DOMAIN_NOISY, SHAPES_DOMAIN_SKETCH, SHAPES_DOMAIN_PALETTE,
    SHAPES_DOMAIN_NOVEL,
    SHAPES_NUM_DOMAINS
};

/* `count` objects of one shape, colour, size and texture, spread inside one region. */
typedef struct shapes_group {
    int shape;    /* SHAPES_CIRCLE ... */
    int colour;   /* SHAPES_RED ... */
    int size;     /* SHAPES_SMALL or SHAPES_LARGE */
    int texture;  /* SHAPES_SOLID, SHAPES_STRIPED or SHAPES_DOTTED */
    int count;    /* 1..3 */
    int region;   /* SHAPES_TOP_LEFT ... */
} shapes_group;

/* What a picture shows: one or two groups (in different regions, not both of the same shape
   and colour) on a background whose colour differs clearly from every group's. */
typedef struct shapes_scene {
    int n_groups;           /* 1 or 2 */
    shapes_group group[2];
    int background;         /* SHAPES_BG_WHITE ... */
} shapes_scene;

/* Caption-image pair `index` of stream `seed` (the pretraining distribution): draws the image
   into rgb[h*w*3] (skipped when rgb is NULL) and writes a NUL-terminated caption into
   caption[cap] (skipped when caption is NULL). Returns the caption's length (0 when caption is
   NULL), or -1 for bad arguments or when cap is too small (SHAPES_CAPTION_MAX always fits;
   the caption is then ""). */
SHAPESDEF int shapes_caption_sample(uint64_t seed, uint64_t index, int w, int h,
                                    unsigned char *rgb, char *caption, size_t cap);
/* The scene that caption sample (seed, index) shows, without drawing it. */
SHAPESDEF void shapes_sample_scene(uint64_t seed, uint64_t index, shapes_scene *scene);
/* Draw a scene in the style of a domain (novel draws like clean). `seed` picks everything the
   scene leaves open: object positions, sizes, angles, colour shades, noise. Two domains given
   the same scene and seed place every object identically. Returns 0, or -1 for an invalid
   scene or size. */
SHAPESDEF int shapes_render_scene(const shapes_scene *scene, int domain, uint64_t seed, int w,
                                  int h, unsigned char *rgb);
/* One caption of a scene (the template and the attributes it mentions depend on seed);
   held-out shapes are called by their real names. Returns the length, or -1 as above. */
SHAPESDEF int shapes_describe(const shapes_scene *scene, uint64_t seed, char *caption,
                              size_t cap);

/* Domains and their classes. Class names are folder names: the shape's name ("circle"), or
   for the novel domain a made-up word. Out-of-range arguments give NULL / -1 / 0. */
SHAPESDEF int shapes_num_domains(void);
SHAPESDEF const char *shapes_domain_name(int domain);
SHAPESDEF int shapes_domain_lookup(const char *name);           /* -1 when unknown */
SHAPESDEF int shapes_domain_num_classes(int domain);
SHAPESDEF const char *shapes_domain_class(int domain, int c);
SHAPESDEF int shapes_domain_class_shape(int domain, int c);     /* SHAPES_CIRCLE ... */
/* The scene of image `index` of class c in a domain: one group of the class's shape. */
SHAPESDEF int shapes_domain_scene(int domain, int c, uint64_t seed, uint64_t index,
                                  shapes_scene *scene);
/* Image `index` of class c of a domain into rgb[h*w*3]. Images (c, seed, index) of the clean,
   noisy, sketch and palette domains show the very same scene. Returns 0 or -1. */
SHAPESDEF int shapes_domain_sample(int domain, int c, uint64_t seed, uint64_t index, int w,
                                   int h, unsigned char *rgb);

/* Names of the attributes as captions spell them ("top left", "light blue"); NULL when out of
   range. shapes_shape_held_out: 1 for shapes never shown in captions. */
SHAPESDEF const char *shapes_shape_name(int shape);
SHAPESDEF const char *shapes_shape_plural(int shape);
SHAPESDEF int shapes_shape_held_out(int shape);
SHAPESDEF const char *shapes_colour_name(int colour);
SHAPESDEF const char *shapes_background_name(int background);
SHAPESDEF const char *shapes_size_name(int size);
SHAPESDEF const char *shapes_texture_name(int texture);
SHAPESDEF const char *shapes_region_name(int region);

#ifndef SHAPES_NO_STDIO
/* Write rgb[h*w*3] as a binary PPM (P6): to a temporary file next to it, then renamed into
   place. Returns 0, or -1 with a message in err[err_cap] (err may be NULL). */
SHAPESDEF int shapes_write_ppm(const char *path, int w, int h, const unsigned char *rgb,
                               char *err, size_t err_cap);
/* Write an ImageFolder tree dir/<class>/<NNNN>.ppm: per_class images of size x size for every
   class of a domain, creating folders as needed (existing files are replaced). Returns 0, or
   -1 with a message in err[err_cap]. */
SHAPESDEF int shapes_write_domain(const char *dir, int domain, int per_class, int size,
                                  uint64_t seed, char *err, size_t err_cap);
#endif

#endif /* SHAPES_H */

#ifdef SHAPES_IMPLEMENTATION
#ifndef SHAPES_IMPLEMENTATION_DONE
#define SHAPES_IMPLEMENTATION_DONE

#include <string.h>

#ifndef SHAPES_NO_STDIO
#include <errno.h>
#include <stdio.h>
#if defined(SHAPES_MALLOC) && defined(SHAPES_FREE)
#elif !defined(SHAPES_MALLOC) && !defined(SHAPES_FREE)
#include <stdlib.h>
#define SHAPES_MALLOC(sz) malloc(sz)
#define SHAPES_FREE(p) free(p)
#else
#error "define both SHAPES_MALLOC and SHAPES_FREE, or neither"
#endif
#endif


/* ============================================================================================
   [1] UTILITIES
   Randomness is splitmix64. Every picture uses its own streams, each seeded by hashing
   (seed, index, a small integer, a tag naming the purpose), so drawing the scene, placing its
   objects, adding noise and wording the caption never disturb each other.
   ============================================================================================ */

typedef struct shapes__rng {
    uint64_t s;
} shapes__rng;

/* Purposes of the streams (the tags of shapes__hash). */
enum {
    SHAPES__TAG_CAPTION_SCENE = 1, SHAPES__TAG_CAPTION_RENDER, SHAPES__TAG_CAPTION_TEXT,
    SHAPES__TAG_DOMAIN_SCENE, SHAPES__TAG_DOMAIN_RENDER, SHAPES__TAG_LAYOUT, SHAPES__TAG_STYLE
};

/* splitmix64's finaliser: a bijective scramble of 64 bits. */
static uint64_t shapes__mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t shapes__hash(uint64_t seed, uint64_t index, uint64_t a, uint64_t tag)
{
    uint64_t z = shapes__mix(seed + UINT64_C(0x9e3779b97f4a7c15) * (tag + 1));
    z = shapes__mix(z ^ index);
    return shapes__mix(z + UINT64_C(0x632be59bd9b4e019) * (a + 1));
}

static shapes__rng shapes__stream(uint64_t seed, uint64_t index, uint64_t a, uint64_t tag)
{
    shapes__rng r;
    r.s = shapes__hash(seed, index, a, tag);
    return r;
}

static uint64_t shapes__next(shapes__rng *r)
{
    r->s += UINT64_C(0x9e3779b97f4a7c15);
    return shapes__mix(r->s);
}

/* Uniform in 0..n-1 (n >= 1, below 2^31): the top 32 bits scaled by n. */
static int shapes__below(shapes__rng *r, int n)
{
    return (int)(((shapes__next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in lo..hi inclusive. */
static int shapes__range(shapes__rng *r, int lo, int hi)
{
    return lo + shapes__below(r, hi - lo + 1);
}

/* 1 with probability permille / 1000. */
static int shapes__chance(shapes__rng *r, int permille)
{
    return shapes__below(r, 1000) < permille;
}

/* a / b rounded to nearest, halves away from zero (b > 0). C's own division truncates, which
   is portable but biased toward zero; this keeps shapes symmetric about their centre. */
static int64_t shapes__rdiv(int64_t a, int64_t b)
{
    return a >= 0 ? (a + b / 2) / b : -((-a + b / 2) / b);
}

/* a modulo m in 0..m-1 for any sign of a (m > 0). */
static int64_t shapes__mod(int64_t a, int64_t m)
{
    int64_t r = a % m;
    return r < 0 ? r + m : r;
}

/* floor(sqrt(v)) for 0 <= v < 2^62, by Newton's method in integers. */
static int64_t shapes__isqrt(int64_t v)
{
    int64_t x = v, y;
    if (v < 2) return v;
    y = (x + 1) / 2;
    while (y < x) x = y, y = (x + v / x) / 2;
    return x;
}

static int shapes__clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* sin(d degrees) * 16384 rounded, d = 0..90 (written out so no libm rounding enters). */
static const int16_t shapes__sin_table[91] = {
        0,   286,   572,   857,  1143,  1428,  1713,  1997,  2280,  2563,
     2845,  3126,  3406,  3686,  3964,  4240,  4516,  4790,  5063,  5334,
     5604,  5872,  6138,  6402,  6664,  6924,  7182,  7438,  7692,  7943,
     8192,  8438,  8682,  8923,  9162,  9397,  9630,  9860, 10087, 10311,
    10531, 10749, 10963, 11174, 11381, 11585, 11786, 11982, 12176, 12365,
    12551, 12733, 12911, 13085, 13255, 13421, 13583, 13741, 13894, 14044,
    14189, 14330, 14466, 14598, 14726, 14849, 14968, 15082, 15191, 15296,
    15396, 15491, 15582, 15668, 15749, 15826, 15897, 15964, 16026, 16083,
    16135, 16182, 16225, 16262, 16294, 16322, 16344, 16362, 16374, 16382,
    16384
};

/* sin of any whole number of degrees, times 16384. */
static int shapes__sin(int deg)
{
    deg %= 360;
    if (deg < 0) deg += 360;
    if (deg <= 90) return shapes__sin_table[deg];
    if (deg <= 180) return shapes__sin_table[180 - deg];
    if (deg <= 270) return -shapes__sin_table[deg - 180];
    return -shapes__sin_table[360 - deg];
}

static int shapes__cos(int deg)
{
    return shapes__sin(deg + 90);
}


/* ============================================================================================
   [2] GEOMETRY
   A shape is a short list of pieces, each a polygon (any simple polygon, tested by crossing
   number) or a disc, combined in order: ADD unions a piece in, SUB cuts it out, AND keeps only
   what lies inside it. Coordinates are in thousandths of the shape's radius R, x to the right,
   y DOWN (image convention); every shape fits in the circle of radius 1000 (R) around (0, 0),
   give or take a few percent.
   An object is a shape turned by an angle and scaled to R: its pieces transformed once into
   1/256-pixel units relative to its centre, so testing a point is a few integer products.
   ============================================================================================ */

enum { SHAPES__POLY = 1, SHAPES__DISC = 2 };           /* piece kinds */
enum { SHAPES__ADD = 0, SHAPES__SUB = 1, SHAPES__AND = 2 };   /* how a piece combines */

#define SHAPES__MAX_PIECES 3
#define SHAPES__MAX_VERTS 12

typedef struct shapes__piece {
    signed char kind, op, n;            /* n: vertices of a polygon */
    int16_t v[2 * SHAPES__MAX_VERTS];   /* polygon x0,y0,x1,y1...; disc cx,cy,radius */
} shapes__piece;

typedef struct shapes__shape {
    const char *name, *plural;
    /* orientation: rot_step * k (k uniform, 360 / rot_step choices) plus rot_jitter * u
       degrees, u uniform in -1..1 */
    int16_t rot_step, rot_jitter;
    shapes__piece piece[SHAPES__MAX_PIECES];  /* kind 0 ends the list */
} shapes__shape;

static const shapes__shape shapes__shapes[SHAPES_NUM_SHAPES] = {
    /* circle: a disc */
    {"circle", "circles", 360, 0,
     {{SHAPES__DISC, SHAPES__ADD, 0, {0, 0, 880}}}},
    /* square: side 1.4 R */
    {"square", "squares", 90, 15,
     {{SHAPES__POLY, SHAPES__ADD, 4, {-700, -700, 700, -700, 700, 700, -700, 700}}}},
    /* triangle: equilateral, point up, its bounding box centred */
    {"triangle", "triangles", 360, 12,
     {{SHAPES__POLY, SHAPES__ADD, 3, {0, -650, 750, 650, -750, 650}}}},
    /* star: five points, outer radius R, inner 0.42 R (a little fatter than a pentagram so
       it survives small sizes), a point up */
    {"star", "stars", 360, 12,
     {{SHAPES__POLY, SHAPES__ADD, 10, {0, -1000, 247, -340, 951, -309, 399, 130, 588, 809,
                                       0, 420, -588, 809, -399, 130, -951, -309, -247, -340}}}},
    /* cross: a plus sign, arms 0.6 R wide reaching 0.9 R */
    {"cross", "crosses", 360, 15,
     {{SHAPES__POLY, SHAPES__ADD, 12, {-300, -900, 300, -900, 300, -300, 900, -300, 900, 300,
                                       300, 300, 300, 900, -300, 900, -300, 300, -900, 300,
                                       -900, -300, -300, -300}}}},
    /* ring: a disc with a hole of 0.6 of its radius */
    {"ring", "rings", 360, 0,
     {{SHAPES__DISC, SHAPES__ADD, 0, {0, 0, 900}},
      {SHAPES__DISC, SHAPES__SUB, 0, {0, 0, 540}}}},
    /* diamond: a rhombus 0.62 as wide as tall, so even turned it is no square */
    {"diamond", "diamonds", 180, 15,
     {{SHAPES__POLY, SHAPES__ADD, 4, {0, -1000, 620, 0, 0, 1000, -620, 0}}}},
    /* hexagon: regular, flat top and bottom, circumradius 0.95 R */
    {"hexagon", "hexagons", 360, 15,
     {{SHAPES__POLY, SHAPES__ADD, 6, {950, 0, 475, 823, -475, 823, -950, 0, -475, -823,
                                      475, -823}}}},
    /* heart: two discs and the kite tangent to both, reaching the point at the bottom */
    {"heart", "hearts", 360, 12,
     {{SHAPES__DISC, SHAPES__ADD, 0, {-440, -370, 475}},
      {SHAPES__DISC, SHAPES__ADD, 0, {440, -370, 475}},
      {SHAPES__POLY, SHAPES__ADD, 4, {0, -370, -795, -55, 0, 840, 795, -55}}}},

    /* held out */
    /* crescent: a disc with an off-centre disc cut out, any orientation */
    {"crescent", "crescents", 1, 0,
     {{SHAPES__DISC, SHAPES__ADD, 0, {0, 0, 900}},
      {SHAPES__DISC, SHAPES__SUB, 0, {420, 0, 720}}}},
    /* arrow: a shaft and a triangular head, any direction */
    {"arrow", "arrows", 1, 0,
     {{SHAPES__POLY, SHAPES__ADD, 7, {-900, -220, 150, -220, 150, -620, 950, 0, 150, 620,
                                      150, 220, -900, 220}}}},
    /* semicircle: a disc cut along a diameter, the half-disc's box centred, any orientation */
    {"semicircle", "semicircles", 1, 0,
     {{SHAPES__DISC, SHAPES__ADD, 0, {0, 450, 920}},
      {SHAPES__POLY, SHAPES__AND, 4, {-1000, -1000, 1000, -1000, 1000, 450, -1000, 450}}}},
    /* hourglass: two triangles meeting (overlapping a little) at the centre */
    {"hourglass", "hourglasses", 90, 12,
     {{SHAPES__POLY, SHAPES__ADD, 3, {-570, -820, 570, -820, 0, 80}},
      {SHAPES__POLY, SHAPES__ADD, 3, {0, -80, 570, 820, -570, 820}}}},
    /* ell: a capital L of bars 0.43 R thick */
    {"ell", "ells", 90, 12,
     {{SHAPES__POLY, SHAPES__ADD, 6, {-570, -820, -140, -820, -140, 390, 570, 390, 570, 820,
                                      -570, 820}}}},
    /* frame: a square with a square hole */
    {"frame", "frames", 90, 15,
     {{SHAPES__POLY, SHAPES__ADD, 4, {-700, -700, 700, -700, 700, 700, -700, 700}},
      {SHAPES__POLY, SHAPES__SUB, 4, {-400, -400, 400, -400, 400, 400, -400, 400}}}},
};

/* A piece placed in an image: coordinates in 1/256 pixel relative to the object's centre. */
typedef struct shapes__xpiece {
    int kind, op, n;
    int32_t v[2 * SHAPES__MAX_VERTS];   /* polygon vertices; disc centre in v[0], v[1] */
    int64_t r2;                         /* disc: squared radius */
} shapes__xpiece;

typedef struct shapes__obj {
    int32_t cx, cy;   /* centre, 1/256 pixel from the image's top-left corner */
    int32_t r;        /* radius R, 1/256 pixel */
    int n;
    shapes__xpiece p[SHAPES__MAX_PIECES];
} shapes__obj;

/* Turn shape `s` by `deg` degrees (clockwise on screen) and scale it to radius r. */
static void shapes__place(shapes__obj *o, int s, int deg, int32_t cx, int32_t cy, int32_t r)
{
    const shapes__shape *sh = &shapes__shapes[s];
    int64_t c = shapes__cos(deg), sn = shapes__sin(deg);
    int64_t den = (int64_t)1000 * 16384;
    int i, k;
    o->cx = cx, o->cy = cy, o->r = r, o->n = 0;
    for (i = 0; i < SHAPES__MAX_PIECES && sh->piece[i].kind; i++) {
        const shapes__piece *p = &sh->piece[i];
        shapes__xpiece *q = &o->p[o->n++];
        int nv = p->kind == SHAPES__POLY ? p->n : 1;
        q->kind = p->kind, q->op = p->op, q->n = p->n, q->r2 = 0;
        for (k = 0; k < nv; k++) {
            int64_t x = p->v[2 * k], y = p->v[2 * k + 1];
            q->v[2 * k] = (int32_t)shapes__rdiv((x * c - y * sn) * r, den);
            q->v[2 * k + 1] = (int32_t)shapes__rdiv((x * sn + y * c) * r, den);
        }
        if (p->kind == SHAPES__DISC) {
            int64_t rad = shapes__rdiv((int64_t)p->v[2] * r, 1000);
            q->r2 = rad * rad;
        }
    }
}

/* Is (x, y), relative to the centre in 1/256 pixel, inside the polygon? Crossing number of a
   ray to +x, exact in integers; a point on an edge goes to one side consistently. */
static int shapes__in_poly(const shapes__xpiece *p, int64_t x, int64_t y)
{
    int in = 0, j, k;
    for (j = 0, k = p->n - 1; j < p->n; k = j++) {
        int64_t xj = p->v[2 * j], yj = p->v[2 * j + 1], xk = p->v[2 * k], yk = p->v[2 * k + 1];
        if ((yj > y) != (yk > y)) {
            /* x left of the edge's crossing: x - xj < (y - yj) (xk - xj) / (yk - yj) */
            int64_t lhs = (x - xj) * (yk - yj), rhs = (y - yj) * (xk - xj);
            if (yk > yj ? lhs < rhs : lhs > rhs) in ^= 1;
        }
    }
    return in;
}

static int shapes__inside(const shapes__obj *o, int64_t x, int64_t y)
{
    int in = 0, i;
    for (i = 0; i < o->n; i++) {
        const shapes__xpiece *p = &o->p[i];
        int t;
        if (p->op == SHAPES__ADD ? in : !in) continue;   /* cannot change the answer */
        if (p->kind == SHAPES__DISC) {
            int64_t dx = x - p->v[0], dy = y - p->v[1];
            t = dx * dx + dy * dy <= p->r2;
        } else {
            t = shapes__in_poly(p, x, y);
        }
        in = p->op == SHAPES__SUB ? !t : t;
    }
    return in;
}

/* Is (x, y) within about t of the shape's boundary? True when the point and one of its eight
   neighbours at distance t (the diagonal ones at t * 181/256 ~ t / sqrt 2 on each axis) fall
   on different sides: a band about 2t wide centred on the outline. */
static int shapes__on_outline(const shapes__obj *o, int64_t x, int64_t y, int64_t t)
{
    int64_t d = t * 181 / 256;
    int in = shapes__inside(o, x, y);
    return shapes__inside(o, x + t, y) != in || shapes__inside(o, x - t, y) != in ||
           shapes__inside(o, x, y + t) != in || shapes__inside(o, x, y - t) != in ||
           shapes__inside(o, x + d, y + d) != in || shapes__inside(o, x - d, y - d) != in ||
           shapes__inside(o, x + d, y - d) != in || shapes__inside(o, x - d, y + d) != in;
}


/* ============================================================================================
   [3] SCENES
   A scene is what a picture shows; shapes__sample_group draws one group of it. Colours are
   far apart in RGB; a background may carry a group only when the two differ by at least
   SHAPES__MIN_CONTRAST (sum of absolute channel differences), so no object hides.
   ============================================================================================ */

typedef struct shapes__named_rgb {
    const char *name;
    unsigned char rgb[3];
} shapes__named_rgb;

static const shapes__named_rgb shapes__colours[SHAPES_NUM_COLOURS] = {
    {"red", {215, 40, 40}},     {"green", {40, 165, 60}},    {"blue", {40, 85, 215}},
    {"yellow", {245, 215, 40}}, {"purple", {135, 55, 180}},  {"orange", {250, 135, 25}},
    {"white", {250, 250, 250}}, {"black", {25, 25, 25}},     {"pink", {245, 145, 195}},
    {"brown", {125, 75, 35}},   {"gray", {130, 130, 130}},
};

static const shapes__named_rgb shapes__backgrounds[SHAPES_NUM_BACKGROUNDS] = {
    {"white", {246, 246, 246}},      {"light gray", {205, 205, 205}},
    {"gray", {160, 160, 160}},       {"dark gray", {75, 75, 75}},
    {"black", {18, 18, 18}},         {"beige", {230, 215, 180}},
    {"light blue", {175, 205, 240}}, {"light green", {190, 230, 185}},
};

#define SHAPES__MIN_CONTRAST 170

static const char *const shapes__size_names[SHAPES_NUM_SIZES] = {"small", "large"};
static const char *const shapes__texture_names[SHAPES_NUM_TEXTURES] = {"solid", "striped",
                                                                        "dotted"};
static const char *const shapes__region_names[SHAPES_NUM_REGIONS] = {
    "top left", "top", "top right", "left", "center", "right",
    "bottom left", "bottom", "bottom right"};

static int shapes__contrast(const unsigned char *a, const unsigned char *b)
{
    int i, d = 0;
    for (i = 0; i < 3; i++) d += a[i] > b[i] ? a[i] - b[i] : b[i] - a[i];
    return d;
}

/* May background bg carry every group of the scene? */
static int shapes__background_fits(const shapes_scene *s, int bg)
{
    int g;
    for (g = 0; g < s->n_groups; g++)
        if (shapes__contrast(shapes__colours[s->group[g].colour].rgb,
                             shapes__backgrounds[bg].rgb) < SHAPES__MIN_CONTRAST)
            return 0;
    return 1;
}

/* A uniformly chosen background that fits, or -1 when none does. */
static int shapes__pick_background(const shapes_scene *s, shapes__rng *r)
{
    int fit[SHAPES_NUM_BACKGROUNDS], n = 0, b;
    for (b = 0; b < SHAPES_NUM_BACKGROUNDS; b++)
        if (shapes__background_fits(s, b)) fit[n++] = b;
    return n ? fit[shapes__below(r, n)] : -1;
}

/* Colour, size, texture, count and region of a group (its shape is the caller's). Textures:
   half solid, a quarter each striped and dotted. */
static void shapes__sample_group(shapes__rng *r, int shape, shapes_group *g)
{
    int t = shapes__below(r, 4);
    g->shape = shape;
    g->colour = shapes__below(r, SHAPES_NUM_COLOURS);
    g->size = shapes__below(r, SHAPES_NUM_SIZES);
    g->texture = t < 2 ? SHAPES_SOLID : t == 2 ? SHAPES_STRIPED : SHAPES_DOTTED;
    g->count = 1 + shapes__below(r, 3);
    g->region = shapes__below(r, SHAPES_NUM_REGIONS);
}

/* Would two groups crowd each other? Five or six large objects in neighbouring cells (sides
   or corners touching) often find no layout that keeps them apart. */
static int shapes__crowded(const shapes_group *a, const shapes_group *b)
{
    int dr = a->region / 3 - b->region / 3, dc = a->region % 3 - b->region % 3;
    int adjacent = dr >= -1 && dr <= 1 && dc >= -1 && dc <= 1;
    return adjacent && a->size == SHAPES_LARGE && b->size == SHAPES_LARGE && a->count + b->count >= 5;
}

SHAPESDEF void shapes_sample_scene(uint64_t seed, uint64_t index, shapes_scene *s)
{
    shapes__rng r = shapes__stream(seed, index, 0, SHAPES__TAG_CAPTION_SCENE);
    if (!s) return;
    memset(s, 0, sizeof(*s));
    s->n_groups = shapes__chance(&r, 550) ? 1 : 2;
    shapes__sample_group(&r, shapes__below(&r, SHAPES_NUM_PRETRAIN), &s->group[0]);
    s->background = shapes__pick_background(s, &r);   /* every colour has some background */
    if (s->n_groups == 2) {
        shapes_group *a = &s->group[0], *b = &s->group[1];
        for (;;) {   /* about 1 in 6 draws is rejected */
            shapes__sample_group(&r, shapes__below(&r, SHAPES_NUM_PRETRAIN), b);
            if (b->region == a->region) continue;
            if (b->shape == a->shape && b->colour == a->colour) continue;
            if (shapes__crowded(a, b)) continue;
            if ((s->background = shapes__pick_background(s, &r)) >= 0) break;
        }
    }
}

/* Is the scene one we can draw and describe? */
static int shapes__scene_valid(const shapes_scene *s)
{
    int g;
    if (!s || s->n_groups < 1 || s->n_groups > 2) return 0;
    if (s->background < 0 || s->background >= SHAPES_NUM_BACKGROUNDS) return 0;
    for (g = 0; g < s->n_groups; g++) {
        const shapes_group *p = &s->group[g];
        if (p->shape < 0 || p->shape >= SHAPES_NUM_SHAPES || p->colour < 0 ||
            p->colour >= SHAPES_NUM_COLOURS || p->size < 0 || p->size >= SHAPES_NUM_SIZES ||
            p->texture < 0 || p->texture >= SHAPES_NUM_TEXTURES || p->count < 1 ||
            p->count > 3 || p->region < 0 || p->region >= SHAPES_NUM_REGIONS)
            return 0;
    }
    return s->n_groups == 1 || s->group[0].region != s->group[1].region;
}


/* ============================================================================================
   [4] DRAWING
   Layout: a group's objects sit in a pattern around the group's centre (two side by side,
   three in a triangle or a line), 1.8 R to 2.1 R apart so they barely touch, each nudged by
   up to 0.08 R. The pattern's box must fit in the group's cell widened by a third of a cell on
   each side (but not past the image) and keep R_i + R_j from the other group. A pattern that
   fails is redrawn, 6% smaller after each 6 failures but at most 18% smaller (so a large
   object stays larger than a small one); after 40 failures the whole layout starts over, and
   after four layouts the pattern that missed least stands. At the image's edge the widened
   cell extends inwards instead (a corner group may reach two thirds into the middle cell).
   Radii: large 0.14, small 0.085 of the image's shorter side, +-6% per group, +-4% per object.
   Drawing: each pixel averages 4x4 sub-samples at (i + 1/2) / 4; a sub-sample inside an object
   takes the fill colour (or, for stripes and dots, the fill's lighter or darker variant),
   so edges come out anti-aliased with integer sums only.
   ============================================================================================ */

#define SHAPES__MAX_OBJECTS 6

/* How to fill an object. */
typedef struct shapes__paint {
    int outline;              /* 1: draw only a band of half-width `half` around the edge */
    int32_t half;
    unsigned char rgb[3];     /* fill */
    unsigned char alt[3];     /* stripes or dots */
    int texture;
    int stripe_dir;           /* 0 horizontal, 1 vertical, 2 and 3 diagonal */
    int32_t period;           /* stripes: one light + one dark band, 1/256 px */
    int32_t spacing;          /* dots: grid step, 1/256 px */
    int64_t dot_r2;           /* dots: squared radius */
} shapes__paint;

typedef struct shapes__layout {
    int n;
    shapes__obj obj[SHAPES__MAX_OBJECTS];
    int group[SHAPES__MAX_OBJECTS];
    unsigned char rgb[2][3];  /* each group's fill colour after jitter */
    unsigned char bg[3];      /* background after jitter */
    int stripe_dir[2];
} shapes__layout;

static unsigned char shapes__jitter(shapes__rng *r, int v, int amount)
{
    return (unsigned char)shapes__clamp(v + shapes__range(r, -amount, amount), 0, 255);
}

/* Offsets of a group's objects from the group's centre, in units of the spacing D (1/1000):
   two objects side by side along an angle, three in a triangle or in a line. */
static void shapes__arrangement(shapes__rng *r, int count, int64_t D, int64_t *ox, int64_t *oy)
{
    int deg = 45 * shapes__below(r, 4) + shapes__range(r, -10, 10), k;
    if (count == 3 && shapes__chance(r, 700)) {   /* triangle of side D, any orientation */
        deg = shapes__below(r, 360);
        for (k = 0; k < 3; k++) {   /* circumradius D / sqrt 3 = D * 0.5774 */
            ox[k] = shapes__rdiv(D * 5774 * shapes__cos(deg + 120 * k), (int64_t)10000 * 16384);
            oy[k] = shapes__rdiv(D * 5774 * shapes__sin(deg + 120 * k), (int64_t)10000 * 16384);
        }
        return;
    }
    for (k = 0; k < count; k++) {   /* a line: positions -D/2, D/2 or -D, 0, D */
        int64_t t = count == 2 ? (2 * k - 1) * D / 2 : (k - 1) * D;
        ox[k] = shapes__rdiv(t * shapes__cos(deg), 16384);
        oy[k] = shapes__rdiv(t * shapes__sin(deg), 16384);
    }
}

/* Place group g (its objects' radii rad[] and angles deg[] drawn) after the L->n objects of
   the groups before it. Returns 1, or 0 when 40 patterns failed; with `must` the last one is
   placed anyway. */
static int shapes__place_group(const shapes_group *G, int g, const int32_t *rad, const int *deg,
                               int32_t base, int w, int h, int must, shapes__rng *r,
                               shapes__layout *L)
{
    int32_t W = (int32_t)w * 256, H = (int32_t)h * 256;
    int32_t sx = W / 9, sy = H / 9;   /* spill: a third of a cell */
    int32_t x0 = W * (G->region % 3) / 3 - sx, x1 = W * (G->region % 3 + 1) / 3 + sx;
    int32_t y0 = H * (G->region / 3) / 3 - sy, y1 = H * (G->region / 3 + 1) / 3 + sy;
    int first = L->n, attempt, k, j;
    int64_t best = -1, bx[3], by[3], br[3];   /* the attempt that failed least */
    if (x0 < 0) x1 -= x0, x0 = 0;   /* at the image's edge the cell widens inwards */
    if (y0 < 0) y1 -= y0, y0 = 0;
    if (x1 > W) x0 -= x1 - W, x1 = W;
    if (y1 > H) y0 -= y1 - H, y1 = H;
    for (attempt = 0; attempt < 40; attempt++) {
        int scale = 1000 - 60 * (attempt < 18 ? attempt / 6 : 3);
        int64_t ox[3], oy[3], rk[3], D, minx = 0, maxx = 0, miny = 0, maxy = 0, cx, cy, bad = 0;
        D = (int64_t)base * scale / 1000 * (1800 + shapes__range(r, 0, 300)) / 1000;
        shapes__arrangement(r, G->count, D, ox, oy);
        for (k = 0; k < G->count; k++) {
            rk[k] = (int64_t)rad[k] * scale / 1000;
            ox[k] += shapes__rdiv(rk[k] * shapes__range(r, -80, 80), 1000);
            oy[k] += shapes__rdiv(rk[k] * shapes__range(r, -80, 80), 1000);
            if (k == 0 || ox[k] - rk[k] < minx) minx = ox[k] - rk[k];
            if (k == 0 || ox[k] + rk[k] > maxx) maxx = ox[k] + rk[k];
            if (k == 0 || oy[k] - rk[k] < miny) miny = oy[k] - rk[k];
            if (k == 0 || oy[k] + rk[k] > maxy) maxy = oy[k] + rk[k];
        }
        /* the pattern's box inside the widened cell, or (too big) centred on it; `bad` adds
           up by how much it misses, in 1/256 px */
        if (x1 - x0 >= maxx - minx) {
            cx = x0 - minx + shapes__below(r, (int)(x1 - x0 - (maxx - minx)) + 1);
        } else {
            cx = (x0 + x1) / 2 - (minx + maxx) / 2;
            cx = cx + maxx > W ? W - maxx : cx;   /* kept in the image if it fits */
            cx = cx + minx < 0 ? -minx : cx;
            bad += maxx - minx - (x1 - x0);
        }
        if (y1 - y0 >= maxy - miny) {
            cy = y0 - miny + shapes__below(r, (int)(y1 - y0 - (maxy - miny)) + 1);
        } else {
            cy = (y0 + y1) / 2 - (miny + maxy) / 2;
            cy = cy + maxy > H ? H - maxy : cy;
            cy = cy + miny < 0 ? -miny : cy;
            bad += maxy - miny - (y1 - y0);
        }
        for (k = 0; k < G->count; k++)   /* R_i + R_j clear of the groups before */
            for (j = 0; j < first; j++) {
                int64_t dx = cx + ox[k] - L->obj[j].cx, dy = cy + oy[k] - L->obj[j].cy;
                int64_t need = rk[k] + L->obj[j].r;
                if (dx * dx + dy * dy < need * need) bad += need - shapes__isqrt(dx * dx + dy * dy);
            }
        if (best < 0 || bad < best) {
            best = bad;
            for (k = 0; k < G->count; k++) bx[k] = cx + ox[k], by[k] = cy + oy[k], br[k] = rk[k];
        }
        if (bad == 0) break;
    }
    if (best > 0 && !must) return 0;
    for (k = 0; k < G->count; k++) {
        L->group[L->n] = g;
        shapes__place(&L->obj[L->n++], G->shape, deg[k], (int32_t)bx[k], (int32_t)by[k],
                      (int32_t)br[k]);
    }
    return 1;
}

/* Centres, radii and angles of every object, and the colour shades. Consumes the same draws
   whatever the domain, so every style draws the same layout. When a group does not fit, the
   whole layout is tried again (three times at most; the fourth try stands). */
static void shapes__make_layout(const shapes_scene *s, shapes__rng *r, int w, int h,
                                shapes__layout *L)
{
    int32_t S = (w < h ? w : h) * 256, base[2], rad[2][3];
    int g, i, k, round, deg[2][3], shade = shapes__range(r, -8, 8);
    for (i = 0; i < 3; i++)   /* background: lighter or darker, slightly tinted */
        L->bg[i] = shapes__jitter(r, shapes__backgrounds[s->background].rgb[i] + shade, 3);
    for (g = 0; g < s->n_groups; g++) {
        const shapes_group *G = &s->group[g];
        const shapes__shape *sh = &shapes__shapes[G->shape];
        for (i = 0; i < 3; i++)
            L->rgb[g][i] = shapes__jitter(r, shapes__colours[G->colour].rgb[i], 12);
        L->stripe_dir[g] = shapes__below(r, 4);
        base[g] = (int32_t)((int64_t)S * (G->size == SHAPES_LARGE ? 140 : 85) / 1000);
        base[g] = base[g] * (1000 + shapes__range(r, -60, 60)) / 1000;
        for (k = 0; k < G->count; k++) {
            rad[g][k] = base[g] * (1000 + shapes__range(r, -40, 40)) / 1000;
            deg[g][k] = sh->rot_step * shapes__below(r, 360 / sh->rot_step) +
                        shapes__range(r, -sh->rot_jitter, sh->rot_jitter);
        }
    }
    for (round = 0; round < 4; round++) {
        L->n = 0;
        for (g = 0; g < s->n_groups; g++)
            if (!shapes__place_group(&s->group[g], g, rad[g], deg[g], base[g], w, h, round == 3,
                                     r, L))
                break;
        if (g == s->n_groups) break;
    }
}

/* The variant of a fill used for stripes and dots: lighter for dark colours, else darker. */
static void shapes__variant(const unsigned char *c, unsigned char *out)
{
    int i, luma = (77 * c[0] + 150 * c[1] + 29 * c[2]) >> 8;
    for (i = 0; i < 3; i++)
        out[i] = (unsigned char)(luma < 100 ? c[i] + (255 - c[i]) / 2 : c[i] * 55 / 100);
}

/* Texture sizes follow the object: stripes repeat every 0.75 R (at least 4 pixels), dots
   every 0.6 R (at least 3.5 pixels) with 0.3 of that as radius. */
static void shapes__texture_paint(shapes__paint *p, int texture, int dir, int32_t r)
{
    int32_t sp = r * 6 / 10 > 7 * 128 ? r * 6 / 10 : 7 * 128, dr = sp * 3 / 10;
    p->texture = texture;
    p->stripe_dir = dir;
    p->period = r * 3 / 4 > 4 * 256 ? r * 3 / 4 : 4 * 256;
    if (dir >= 2) p->period = p->period * 181 / 128;   /* x +- y grows sqrt 2 times faster */
    p->spacing = sp;
    p->dot_r2 = (int64_t)dr * dr;
}

/* Does the sub-sample at (x, y) from the object's centre take the alternate colour? */
static int shapes__alt_here(const shapes__paint *p, int64_t x, int64_t y)
{
    if (p->texture == SHAPES_STRIPED) {
        int64_t q = p->stripe_dir == 0 ? y : p->stripe_dir == 1 ? x
                  : p->stripe_dir == 2 ? x + y : x - y;
        return shapes__mod(q + p->period / 4, p->period) >= p->period / 2;
    }
    if (p->texture == SHAPES_DOTTED) {
        int64_t u = shapes__mod(x + p->spacing / 2, p->spacing) - p->spacing / 2;
        int64_t v = shapes__mod(y + p->spacing / 2, p->spacing) - p->spacing / 2;
        return u * u + v * v <= p->dot_r2;
    }
    return 0;
}

/* Draw one object over rgb: each pixel of its box blends its 16 sub-samples in. */
static void shapes__draw(unsigned char *rgb, int w, int h, const shapes__obj *o,
                         const shapes__paint *p)
{
    int32_t reach = o->r + (p->outline ? p->half : 0) + 256;
    int xa = shapes__clamp((o->cx - reach) / 256, 0, w - 1);
    int xb = shapes__clamp((o->cx + reach) / 256, 0, w - 1);
    int ya = shapes__clamp((o->cy - reach) / 256, 0, h - 1);
    int yb = shapes__clamp((o->cy + reach) / 256, 0, h - 1);
    int px, py, sx, sy, i;
    for (py = ya; py <= yb; py++) {
        for (px = xa; px <= xb; px++) {
            unsigned char *q = rgb + ((size_t)py * (size_t)w + (size_t)px) * 3;
            int n = 0, sum[3] = {0, 0, 0};
            for (sy = 0; sy < 4; sy++) {
                int64_t y = (int64_t)py * 256 + 32 + 64 * sy - o->cy;
                for (sx = 0; sx < 4; sx++) {
                    int64_t x = (int64_t)px * 256 + 32 + 64 * sx - o->cx;
                    const unsigned char *c;
                    if (p->outline ? !shapes__on_outline(o, x, y, p->half)
                                   : !shapes__inside(o, x, y))
                        continue;
                    c = shapes__alt_here(p, x, y) ? p->alt : p->rgb;
                    n++, sum[0] += c[0], sum[1] += c[1], sum[2] += c[2];
                }
            }
            if (n)
                for (i = 0; i < 3; i++) q[i] = (unsigned char)((q[i] * (16 - n) + sum[i] + 8) >> 4);
        }
    }
}

static void shapes__fill(unsigned char *rgb, int w, int h, const unsigned char *c)
{
    size_t i, n = (size_t)w * (size_t)h;
    for (i = 0; i < n; i++) rgb[3 * i] = c[0], rgb[3 * i + 1] = c[1], rgb[3 * i + 2] = c[2];
}

/* Filled objects on the background: the clean style. */
static void shapes__draw_clean(const shapes_scene *s, const shapes__layout *L, int w, int h,
                               unsigned char *rgb)
{
    int i;
    shapes__fill(rgb, w, h, L->bg);
    for (i = 0; i < L->n; i++) {
        const shapes_group *G = &s->group[L->group[i]];
        shapes__paint p;
        memset(&p, 0, sizeof(p));
        memcpy(p.rgb, L->rgb[L->group[i]], 3);
        shapes__variant(p.rgb, p.alt);
        shapes__texture_paint(&p, G->texture, L->stripe_dir[L->group[i]], L->obj[i].r);
        shapes__draw(rgb, w, h, &L->obj[i], &p);
    }
}


/* ============================================================================================
   [5] DOMAINS
   Each style starts from the same layout. noisy: the clean picture blurred with the binomial
   filter [1 4 6 4 1] / 16 (once or twice on 64x64, wider on bigger pictures), then noise: the
   sum of four uniform bytes (a near-Gaussian, standard deviation 23 to 42 of 255), per channel
   or shared by the three. sketch: outlines about 1/48 of the picture wide, one dark gray, on
   white or cream paper. palette: the clean picture with all channels inverted, a channel
   permutation, both, or mapped to a random two-tone gradient by brightness.
   ============================================================================================ */

static const char *const shapes__domain_names[SHAPES_NUM_DOMAINS] = {
    "clean", "noisy", "sketch", "palette", "novel"};

/* Made-up class names of the novel domain, one per held-out shape in enum order. */
static const char *const shapes__novel_names[SHAPES_NUM_SHAPES - SHAPES_NUM_PRETRAIN] = {
    "blick", "dax", "wug", "fep", "zorb", "toma"};

/* [1 4 6 4 1] / 16 along one line of n values `stride` apart, in place, edges repeated. */
static void shapes__blur_line(unsigned char *p, int n, size_t stride)
{
    int i, m2 = p[0], m1 = p[0];
    for (i = 0; i < n; i++) {
        int c = p[(size_t)i * stride];
        int p1 = p[(size_t)(i + 1 < n ? i + 1 : n - 1) * stride];
        int p2 = p[(size_t)(i + 2 < n ? i + 2 : n - 1) * stride];
        p[(size_t)i * stride] = (unsigned char)((m2 + 4 * m1 + 6 * c + 4 * p1 + p2 + 8) >> 4);
        m2 = m1, m1 = c;
    }
}

/* The filter with its taps `step` pixels apart ("a trous"), along rows then columns: every
   step-th pixel forms a line of its own. */
static void shapes__blur(unsigned char *rgb, int w, int h, int step)
{
    size_t row = (size_t)w * 3;
    int x, y, c, k;
    for (y = 0; y < h; y++)
        for (k = 0; k < step && k < w; k++)
            for (c = 0; c < 3; c++)
                shapes__blur_line(rgb + ((size_t)y * row + (size_t)k * 3 + (size_t)c),
                                  (w - k + step - 1) / step, 3 * (size_t)step);
    for (x = 0; x < w; x++)
        for (k = 0; k < step && k < h; k++)
            for (c = 0; c < 3; c++)
                shapes__blur_line(rgb + ((size_t)k * row + (size_t)x * 3 + (size_t)c),
                                  (h - k + step - 1) / step, row * (size_t)step);
}

/* Sum of the four bytes of 32 random bits, centred: -510..510, standard deviation 147.8. */
static int shapes__noise4(uint32_t v)
{
    return (int)(v & 255) + (int)((v >> 8) & 255) + (int)((v >> 16) & 255) + (int)(v >> 24) - 510;
}

/* Blur that scales with the picture: passes with taps 1, 2, 4 ... S/64 pixels apart (one
   pass, standard deviation 1 pixel, on a 64-pixel picture), and for a strong blur the widest
   pass twice; then the noise. */
static void shapes__style_noisy(shapes__rng *r, int w, int h, unsigned char *rgb)
{
    int S = w < h ? w : h, strong = shapes__below(r, 2), step;
    int amp = shapes__range(r, 40, 72), shared = shapes__chance(r, 500);
    size_t k, n = (size_t)w * (size_t)h;
    for (step = 1; 2 * step <= S / 64; step *= 2) shapes__blur(rgb, w, h, step);
    shapes__blur(rgb, w, h, step);
    if (strong) shapes__blur(rgb, w, h, step);
    for (k = 0; k < n; k++) {
        uint64_t bits = shapes__next(r);
        unsigned char *q = rgb + 3 * k;
        int c, e[3];
        e[0] = shapes__noise4((uint32_t)bits);
        e[1] = shared ? e[0] : shapes__noise4((uint32_t)(bits >> 32));
        e[2] = shared ? e[0] : shapes__noise4((uint32_t)(shapes__next(r) >> 32));
        for (c = 0; c < 3; c++) {
            int v = q[c] + (int)shapes__rdiv((int64_t)e[c] * amp, 256);
            q[c] = (unsigned char)shapes__clamp(v, 0, 255);
        }
    }
}

/* The six orders of the three channels; entry 0 is the identity. */
static const unsigned char shapes__perms[6][3] = {
    {0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};

static void shapes__style_palette(shapes__rng *r, int w, int h, unsigned char *rgb)
{
    int kind = shapes__below(r, 4), perm = 0, invert = 0, c;
    unsigned char a[3], b[3];
    size_t k, n = (size_t)w * (size_t)h;
    if (kind == 0) invert = 1;                                /* negative */
    if (kind == 1) perm = 1 + shapes__below(r, 5);            /* channels swapped */
    if (kind == 2) perm = shapes__below(r, 6), invert = 1;    /* both */
    if (kind == 3) {   /* two tones, dark to light ends at least 120 apart in brightness */
        for (;;) {
            int la, lb;
            for (c = 0; c < 3; c++) a[c] = (unsigned char)shapes__below(r, 256);
            for (c = 0; c < 3; c++) b[c] = (unsigned char)shapes__below(r, 256);
            la = (77 * a[0] + 150 * a[1] + 29 * a[2]) >> 8;
            lb = (77 * b[0] + 150 * b[1] + 29 * b[2]) >> 8;
            if (la - lb >= 120 || lb - la >= 120) break;
        }
    }
    for (k = 0; k < n; k++) {
        unsigned char *q = rgb + 3 * k, o[3];
        if (kind == 3) {
            int l = (77 * q[0] + 150 * q[1] + 29 * q[2] + 128) >> 8;
            for (c = 0; c < 3; c++)
                o[c] = (unsigned char)((a[c] * (255 - l) + b[c] * l + 127) / 255);
        } else {
            for (c = 0; c < 3; c++) {
                int v = q[shapes__perms[perm][c]];
                o[c] = (unsigned char)(invert ? 255 - v : v);
            }
        }
        q[0] = o[0], q[1] = o[1], q[2] = o[2];
    }
}

static void shapes__style_sketch(shapes__rng *r, const shapes__layout *L, int w, int h,
                                 unsigned char *rgb)
{
    int S = w < h ? w : h, ink = shapes__range(r, 15, 70), i;
    unsigned char paper[3];
    shapes__paint p;
    if (shapes__chance(r, 500)) {   /* white */
        paper[0] = paper[1] = paper[2] = (unsigned char)shapes__range(r, 240, 255);
    } else {                        /* cream */
        paper[0] = (unsigned char)shapes__range(r, 245, 255);
        paper[1] = (unsigned char)(paper[0] - shapes__range(r, 4, 12));
        paper[2] = (unsigned char)(paper[1] - shapes__range(r, 8, 20));
    }
    shapes__fill(rgb, w, h, paper);
    memset(&p, 0, sizeof(p));
    p.outline = 1;
    p.half = S * 256 / 96 > 128 ? S * 256 / 96 : 128;   /* half a line, 1/256 px */
    p.rgb[0] = p.rgb[1] = p.rgb[2] = (unsigned char)ink;
    p.texture = SHAPES_SOLID;
    for (i = 0; i < L->n; i++) shapes__draw(rgb, w, h, &L->obj[i], &p);
}

SHAPESDEF int shapes_render_scene(const shapes_scene *s, int domain, uint64_t seed, int w,
                                  int h, unsigned char *rgb)
{
    shapes__layout L;
    shapes__rng layout = shapes__stream(seed, 0, 0, SHAPES__TAG_LAYOUT);
    shapes__rng style = shapes__stream(seed, 0, (uint64_t)domain, SHAPES__TAG_STYLE);
    if (!shapes__scene_valid(s) || !rgb || domain < 0 || domain >= SHAPES_NUM_DOMAINS) return -1;
    if (w < 16 || h < 16 || w > SHAPES_MAX_SIZE || h > SHAPES_MAX_SIZE) return -1;
    shapes__make_layout(s, &layout, w, h, &L);
    if (domain == SHAPES_DOMAIN_SKETCH) {
        shapes__style_sketch(&style, &L, w, h, rgb);
        return 0;
    }
    shapes__draw_clean(s, &L, w, h, rgb);
    if (domain == SHAPES_DOMAIN_NOISY) shapes__style_noisy(&style, w, h, rgb);
    if (domain == SHAPES_DOMAIN_PALETTE) shapes__style_palette(&style, w, h, rgb);
    return 0;
}

SHAPESDEF int shapes_num_domains(void)
{
    return SHAPES_NUM_DOMAINS;
}

SHAPESDEF const char *shapes_domain_name(int d)
{
    return d >= 0 && d < SHAPES_NUM_DOMAINS ? shapes__domain_names[d] : NULL;
}

SHAPESDEF int shapes_domain_lookup(const char *name)
{
    int d;
    for (d = 0; name && d < SHAPES_NUM_DOMAINS; d++)
        if (strcmp(name, shapes__domain_names[d]) == 0) return d;
    return -1;
}

SHAPESDEF int shapes_domain_num_classes(int d)
{
    if (d < 0 || d >= SHAPES_NUM_DOMAINS) return 0;
    return d == SHAPES_DOMAIN_NOVEL ? SHAPES_NUM_SHAPES - SHAPES_NUM_PRETRAIN : SHAPES_NUM_PRETRAIN;
}

SHAPESDEF int shapes_domain_class_shape(int d, int c)
{
    if (c < 0 || c >= shapes_domain_num_classes(d)) return -1;
    return d == SHAPES_DOMAIN_NOVEL ? SHAPES_NUM_PRETRAIN + c : c;
}

SHAPESDEF const char *shapes_domain_class(int d, int c)
{
    int s = shapes_domain_class_shape(d, c);
    if (s < 0) return NULL;
    return d == SHAPES_DOMAIN_NOVEL ? shapes__novel_names[c] : shapes__shapes[s].name;
}

/* The scene stream depends on the shape, not the domain: clean, noisy, sketch and palette
   image (c, seed, index) show one scene. */
SHAPESDEF int shapes_domain_scene(int d, int c, uint64_t seed, uint64_t index,
                                  shapes_scene *s)
{
    int shape = shapes_domain_class_shape(d, c);
    shapes__rng r;
    if (shape < 0 || !s) return -1;
    r = shapes__stream(seed, index, (uint64_t)shape, SHAPES__TAG_DOMAIN_SCENE);
    memset(s, 0, sizeof(*s));
    s->n_groups = 1;
    shapes__sample_group(&r, shape, &s->group[0]);
    s->background = shapes__pick_background(s, &r);
    return 0;
}

SHAPESDEF int shapes_domain_sample(int d, int c, uint64_t seed, uint64_t index, int w, int h,
                                   unsigned char *rgb)
{
    shapes_scene s;
    int shape = shapes_domain_class_shape(d, c);
    if (shapes_domain_scene(d, c, seed, index, &s) != 0) return -1;
    return shapes_render_scene(&s, d, shapes__hash(seed, index, (uint64_t)shape,
                                                   SHAPES__TAG_DOMAIN_RENDER), w, h, rgb);
}

SHAPESDEF const char *shapes_shape_name(int s)
{
    return s >= 0 && s < SHAPES_NUM_SHAPES ? shapes__shapes[s].name : NULL;
}

SHAPESDEF const char *shapes_shape_plural(int s)
{
    return s >= 0 && s < SHAPES_NUM_SHAPES ? shapes__shapes[s].plural : NULL;
}

SHAPESDEF int shapes_shape_held_out(int s)
{
    return s >= SHAPES_NUM_PRETRAIN && s < SHAPES_NUM_SHAPES;
}

SHAPESDEF const char *shapes_colour_name(int c)
{
    return c >= 0 && c < SHAPES_NUM_COLOURS ? shapes__colours[c].name : NULL;
}

SHAPESDEF const char *shapes_background_name(int b)
{
    return b >= 0 && b < SHAPES_NUM_BACKGROUNDS ? shapes__backgrounds[b].name : NULL;
}

SHAPESDEF const char *shapes_size_name(int s)
{
    return s >= 0 && s < SHAPES_NUM_SIZES ? shapes__size_names[s] : NULL;
}

SHAPESDEF const char *shapes_texture_name(int t)
{
    return t >= 0 && t < SHAPES_NUM_TEXTURES ? shapes__texture_names[t] : NULL;
}

SHAPESDEF const char *shapes_region_name(int r)
{
    return r >= 0 && r < SHAPES_NUM_REGIONS ? shapes__region_names[r] : NULL;
}


/* ============================================================================================
   [6] CAPTIONS
   The grammar (every choice random, probabilities in per cent):

   caption  := one-group | two-groups, then "." with 30% (the class prompt always has it)
   one-group (one group G at position P):
       25  G [P] [BG]                    "two small red triangles at the top left"
       25  "a photo of" G [P] [BG]       "a photo of a large blue striped circle in the center"
       12  "a picture of" | "an image of" G [P] [BG]
       13  "there is" | "there are" G [P] [BG]     (agreeing with the count)
       12  P "there is" | "there are" G [BG]       "in the top left corner there is a red star"
       13  class prompt: "a photo of a" SHAPE "." or "a photo of two" SHAPES "."
   two-groups (G1 at P1, G2 at P2; positions either both said (80%) or neither):
       35  G1 [P1] "and" G2 [P2] [BG]    "a green square at the bottom and two small white
                                           crosses at the top"
       25  "a photo of" G1 [P1] "and" G2 [P2] [BG]
       30  ["a photo of"] G1 REL G2 [BG] "a red circle above two blue squares"
       10  "there is" | "there are" G1 [P1] "and" G2 [P2]
   G  := COUNT [SIZE] (COLOUR [TEXTURE] | [TEXTURE] COLOUR) SHAPE(S) [TEXTURE-SUFFIX]
       COUNT "a"/"an" (by the next word) or, 10% of the time, "one"; "two"; "three"
       SIZE "small"/"large" 60%; COLOUR 90%; a striped or dotted texture 70% (then 25% as the
       suffix "with stripes" / "with dots" / "with polka dots"), "solid" 10%
   P  := a phrase of the region, e.g. "at the top left" | "in the top left corner" |
         "in the upper left"; "at the top" | "near the top"; "on the left" | "on the left side";
         "in the center" | "in the middle"  (said 75% of the time for one group)
   REL := "above" | "below" | "to the left of" | "to the right of", as the regions are
   BG := "on a" BACKGROUND "background"   (20%)
   ============================================================================================ */

/* Phrases of each region, NULL-padded. */
static const char *const shapes__region_phrases[SHAPES_NUM_REGIONS][3] = {
    {"at the top left", "in the top left corner", "in the upper left"},
    {"at the top", "near the top", NULL},
    {"at the top right", "in the top right corner", "in the upper right"},
    {"on the left", "on the left side", NULL},
    {"in the center", "in the middle", NULL},
    {"on the right", "on the right side", NULL},
    {"at the bottom left", "in the bottom left corner", "in the lower left"},
    {"at the bottom", "near the bottom", NULL},
    {"at the bottom right", "in the bottom right corner", "in the lower right"},
};

static const char *const shapes__count_words[4] = {"", "one", "two", "three"};

/* A caption under construction; writes past the end are counted, not stored. */
typedef struct shapes__text {
    char *buf;
    size_t cap, len;
} shapes__text;

static void shapes__put(shapes__text *t, const char *s)
{
    for (; *s; s++, t->len++)
        if (t->len + 1 < t->cap) t->buf[t->len] = *s;
}

/* Put a word, with a space before it unless it is the first or punctuation. */
static void shapes__word(shapes__text *t, const char *s)
{
    if (t->len && s[0] != '.' && s[0] != ',') shapes__put(t, " ");
    shapes__put(t, s);
}

/* "a" or "an" before a word: "an" before a vowel letter, and before "hour". */
static const char *shapes__article(const char *next)
{
    if (strncmp(next, "hour", 4) == 0) return "an";
    return strchr("aeiou", next[0]) && next[0] ? "an" : "a";
}

static const char *shapes__region_phrase(shapes__rng *r, int region)
{
    const char *const *p = shapes__region_phrases[region];
    int n = p[2] ? 3 : 2;
    return p[shapes__below(r, n)];
}

/* The noun phrase of a group: count, adjectives, noun, texture suffix. */
static void shapes__group_phrase(shapes__text *t, shapes__rng *r, const shapes_group *g)
{
    const char *w[8];
    const char *colour = shapes__colours[g->colour].name, *texture = NULL, *suffix = NULL;
    int n = 0, i, say_size = shapes__chance(r, 600), say_colour = shapes__chance(r, 900);
    int colour_first = shapes__chance(r, 500), say_one = shapes__chance(r, 100);
    if (g->texture == SHAPES_SOLID) {
        if (shapes__chance(r, 100)) texture = "solid";
    } else if (shapes__chance(r, 700)) {
        if (shapes__chance(r, 250)) {
            suffix = g->texture == SHAPES_STRIPED ? "with stripes"
                   : shapes__chance(r, 500)       ? "with dots" : "with polka dots";
        } else {
            texture = shapes__texture_names[g->texture];
        }
    }
    if (say_size) w[n++] = shapes__size_names[g->size];
    if (colour_first && say_colour) w[n++] = colour;
    if (texture) w[n++] = texture;
    if (!colour_first && say_colour) w[n++] = colour;
    w[n++] = g->count == 1 ? shapes__shapes[g->shape].name : shapes__shapes[g->shape].plural;
    if (suffix) w[n++] = suffix;
    if (g->count == 1 && !say_one) shapes__word(t, shapes__article(w[0]));
    else shapes__word(t, shapes__count_words[g->count]);
    for (i = 0; i < n; i++) shapes__word(t, w[i]);
}

/* How group a stands to group b: "above", "below", "to the left of", "to the right of". */
static const char *shapes__relation(shapes__rng *r, const shapes_group *a, const shapes_group *b)
{
    int ra = a->region / 3, rb = b->region / 3, ca = a->region % 3, cb = b->region % 3;
    int vertical = ra != rb && (ca == cb || shapes__chance(r, 500));
    if (vertical) return ra < rb ? "above" : "below";
    return ca < cb ? "to the left of" : "to the right of";
}

static void shapes__background_phrase(shapes__text *t, int bg)
{
    const char *name = shapes__backgrounds[bg].name;
    shapes__word(t, "on");
    shapes__word(t, shapes__article(name));
    shapes__word(t, name);
    shapes__word(t, "background");
}

SHAPESDEF int shapes_describe(const shapes_scene *s, uint64_t seed, char *caption, size_t cap)
{
    shapes__rng r = shapes__stream(seed, 0, 0, SHAPES__TAG_CAPTION_TEXT);
    shapes__text t;
    const shapes_group *a, *b;
    int say_bg, period, template_;
    if (!shapes__scene_valid(s) || !caption || cap == 0) return -1;
    a = &s->group[0], b = &s->group[1];
    say_bg = shapes__chance(&r, 200), period = shapes__chance(&r, 300);
    template_ = shapes__below(&r, 100);
    t.buf = caption, t.cap = cap, t.len = 0;
    if (s->n_groups == 1) {
        int say_pos = shapes__chance(&r, 750);
        const char *there = a->count == 1 ? "there is" : "there are";
        if (template_ < 13) {   /* the class prompt zero-shot classification uses */
            shapes__word(&t, "a photo of");
            if (a->count == 1) {
                shapes__word(&t, shapes__article(shapes__shapes[a->shape].name));
                shapes__word(&t, shapes__shapes[a->shape].name);
            } else {
                shapes__word(&t, shapes__count_words[a->count]);
                shapes__word(&t, shapes__shapes[a->shape].plural);
            }
            say_bg = 0, period = 1;
        } else if (template_ < 25) {   /* position first */
            shapes__word(&t, shapes__region_phrase(&r, a->region));
            shapes__word(&t, there);
            shapes__group_phrase(&t, &r, a);
        } else {
            if (template_ < 50) shapes__word(&t, "a photo of");
            else if (template_ < 62)
                shapes__word(&t, shapes__chance(&r, 500) ? "a picture of" : "an image of");
            else if (template_ < 75) shapes__word(&t, there);
            shapes__group_phrase(&t, &r, a);
            if (say_pos) shapes__word(&t, shapes__region_phrase(&r, a->region));
        }
    } else {
        int say_pos = shapes__chance(&r, 800);
        if (template_ < 60 || template_ >= 90) {   /* G1 [P1] and G2 [P2] */
            if (template_ >= 90) {
                say_bg = 0;
                shapes__word(&t, a->count == 1 ? "there is" : "there are");
            } else if (template_ >= 35) {
                shapes__word(&t, "a photo of");
            }
            shapes__group_phrase(&t, &r, a);
            if (say_pos) shapes__word(&t, shapes__region_phrase(&r, a->region));
            shapes__word(&t, "and");
            shapes__group_phrase(&t, &r, b);
            if (say_pos) shapes__word(&t, shapes__region_phrase(&r, b->region));
        } else {   /* G1 REL G2 */
            if (template_ >= 80) shapes__word(&t, "a photo of");
            shapes__group_phrase(&t, &r, a);
            shapes__word(&t, shapes__relation(&r, a, b));
            shapes__group_phrase(&t, &r, b);
        }
    }
    if (say_bg) shapes__background_phrase(&t, s->background);
    if (period) shapes__word(&t, ".");
    if (t.len + 1 > cap) {
        caption[0] = 0;
        return -1;
    }
    caption[t.len] = 0;
    return (int)t.len;
}

SHAPESDEF int shapes_caption_sample(uint64_t seed, uint64_t index, int w, int h,
                                    unsigned char *rgb, char *caption, size_t cap)
{
    shapes_scene s;
    shapes_sample_scene(seed, index, &s);
    if (rgb && shapes_render_scene(&s, SHAPES_DOMAIN_CLEAN,
                                   shapes__hash(seed, index, 0, SHAPES__TAG_CAPTION_RENDER), w,
                                   h, rgb) != 0)
        return -1;
    if (!caption) return 0;
    return shapes_describe(&s, shapes__hash(seed, index, 0, SHAPES__TAG_CAPTION_TEXT), caption,
                           cap);
}


/* ============================================================================================
   [7] FILES
   PPM (P6) files written to a hidden temporary name (".NAME.tmp" in the same folder, which
   ImageFolder readers skip) and renamed into place, so a reader never sees half a file.
   Folders: mkdir from <sys/stat.h> on POSIX, _mkdir from <direct.h> on Windows.
   ============================================================================================ */
#ifndef SHAPES_NO_STDIO

#if defined(_WIN32)
#include <direct.h>
#define SHAPES__MKDIR(path) _mkdir(path)
#else
#include <sys/stat.h>
#include <sys/types.h>
#define SHAPES__MKDIR(path) mkdir(path, 0777)
#endif

/* Format a message into err[cap] (nothing when err is NULL); returns -1. */
static int shapes__fail(char *err, size_t cap, const char *what, const char *path, int errnum)
{
    if (err && cap) {
        if (errnum) snprintf(err, cap, "%s '%s': %s", what, path, strerror(errnum));
        else snprintf(err, cap, "%s '%s'", what, path);
    }
    return -1;
}

/* Create a folder; one that exists already is fine. */
static int shapes__mkdir(const char *path, char *err, size_t cap)
{
    if (SHAPES__MKDIR(path) == 0 || errno == EEXIST) return 0;
    return shapes__fail(err, cap, "cannot create folder", path, errno);
}

/* "dir" + "/" + "name" (+ suffix) into a fresh buffer of `extra` more bytes. */
static char *shapes__join(const char *dir, const char *name, size_t extra)
{
    size_t nd = strlen(dir), nn = strlen(name);
    char *p = (char *)SHAPES_MALLOC(nd + nn + extra + 2);
    if (!p) return NULL;
    memcpy(p, dir, nd);
    if (nd && dir[nd - 1] != '/' && dir[nd - 1] != '\\') p[nd++] = '/';
    memcpy(p + nd, name, nn + 1);
    return p;
}

SHAPESDEF int shapes_write_ppm(const char *path, int w, int h, const unsigned char *rgb,
                               char *err, size_t err_cap)
{
    const char *base = path ? strrchr(path, '/') : NULL;
    char *tmp;
    size_t dir_len, n;
    FILE *f;
    int ok, e;
#if defined(_WIN32)
    const char *b2 = path ? strrchr(path, '\\') : NULL;
    if (b2 && (!base || b2 > base)) base = b2;
#endif
    if (!path || !rgb || w < 1 || h < 1)
        return shapes__fail(err, err_cap, "bad arguments for", path ? path : "(null)", 0);
    base = base ? base + 1 : path;
    dir_len = (size_t)(base - path);
    n = strlen(path);
    tmp = (char *)SHAPES_MALLOC(n + 8);
    if (!tmp) return shapes__fail(err, err_cap, "out of memory writing", path, 0);
    memcpy(tmp, path, dir_len);                 /* dir/.name.tmp */
    tmp[dir_len] = '.';
    memcpy(tmp + dir_len + 1, base, n - dir_len);
    memcpy(tmp + n + 1, ".tmp", 5);
    f = fopen(tmp, "wb");
    if (!f) {
        e = errno;
        SHAPES_FREE(tmp);
        return shapes__fail(err, err_cap, "cannot create", path, e);
    }
    ok = fprintf(f, "P6\n%d %d\n255\n", w, h) > 0;
    ok = ok && fwrite(rgb, 3 * (size_t)w, (size_t)h, f) == (size_t)h;
    e = errno;
    if (fclose(f) != 0 && ok) ok = 0, e = errno;
    if (ok) {
#if defined(_WIN32)
        remove(path);   /* rename does not replace on Windows */
#endif
        if (rename(tmp, path) != 0) ok = 0, e = errno;
    }
    if (!ok) {
        remove(tmp);
        SHAPES_FREE(tmp);
        return shapes__fail(err, err_cap, "cannot write", path, e);
    }
    SHAPES_FREE(tmp);
    return 0;
}

SHAPESDEF int shapes_write_domain(const char *dir, int d, int per_class, int size,
                                  uint64_t seed, char *err, size_t err_cap)
{
    unsigned char *rgb;
    int c, i, digits = 4, rc = 0;
    if (!dir || d < 0 || d >= SHAPES_NUM_DOMAINS || per_class < 0 || size < 16 ||
        size > SHAPES_MAX_SIZE)
        return shapes__fail(err, err_cap, "bad arguments for domain folder",
                            dir ? dir : "(null)", 0);
    for (i = 10000; i < per_class; i *= 10) digits++;   /* names sort in index order */
    if (shapes__mkdir(dir, err, err_cap)) return -1;
    rgb = (unsigned char *)SHAPES_MALLOC((size_t)size * (size_t)size * 3);
    if (!rgb) return shapes__fail(err, err_cap, "out of memory writing", dir, 0);
    for (c = 0; c < shapes_domain_num_classes(d) && rc == 0; c++) {
        char *folder = shapes__join(dir, shapes_domain_class(d, c), 0), *file = NULL;
        if (!folder) rc = shapes__fail(err, err_cap, "out of memory writing", dir, 0);
        if (rc == 0) rc = shapes__mkdir(folder, err, err_cap);
        for (i = 0; i < per_class && rc == 0; i++) {
            char name[24];
            int k, v = i;
            for (k = digits - 1; k >= 0; k--, v /= 10) name[k] = (char)('0' + v % 10);
            memcpy(name + digits, ".ppm", 5);
            file = shapes__join(folder, name, 0);
            if (!file) rc = shapes__fail(err, err_cap, "out of memory writing", folder, 0);
            if (rc == 0) shapes_domain_sample(d, c, seed, (uint64_t)i, size, size, rgb);
            if (rc == 0) rc = shapes_write_ppm(file, size, size, rgb, err, err_cap);
            SHAPES_FREE(file);
        }
        SHAPES_FREE(folder);
    }
    SHAPES_FREE(rgb);
    return rc;
}

#endif /* SHAPES_NO_STDIO */

#endif /* SHAPES_IMPLEMENTATION_DONE */
#endif /* SHAPES_IMPLEMENTATION */

/*
------------------------------------------------------------------------------
MIT License

Copyright (c) 2026 the promptmargin authors

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
------------------------------------------------------------------------------
*/

/* SPDX-License-Identifier: MIT */
/*
 * snprintf/vsnprintf: integer, character, string and pointer conversions (see <stdio.h>). No
 * floating point, no %n, no allocation; output past the buffer is counted, never written.
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct sink {
	char *buf;
	size_t size;
	size_t len; /* characters produced so far, including those that did not fit */
};

enum length_mod {
	LEN_INT,
	LEN_CHAR,
	LEN_SHORT,
	LEN_LONG,
	LEN_LONG_LONG,
	LEN_SIZE,
	LEN_INTMAX,
	LEN_PTRDIFF,
};

struct spec {
	bool left;     /* '-' */
	bool plus;     /* '+' */
	bool space;    /* ' ' */
	bool alt;      /* '#' */
	bool zero;     /* '0' */
	int width;     /* 0 when absent */
	int precision; /* -1 when absent */
	enum length_mod length;
	char conversion;
};

/* Longest digit string: a 64-bit value in octal. */
#define MAX_DIGITS 22

static void put_char(struct sink *out, char c)
{
	if (out->len + 1 < out->size) {
		out->buf[out->len] = c;
	}
	out->len++;
}

/* Writes what fits and only counts the rest, so a huge width costs nothing. */
static void put_repeat(struct sink *out, char c, size_t count)
{
	while (count > 0 && out->len + 1 < out->size) {
		out->buf[out->len++] = c;
		count--;
	}
	out->len += count;
}

static void put_bytes(struct sink *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		put_char(out, s[i]);
	}
}

static size_t padding_for(const struct spec *spec, size_t used)
{
	return (size_t)spec->width > used ? (size_t)spec->width - used : 0;
}

static bool is_flag(char c)
{
	return c == '-' || c == '+' || c == ' ' || c == '#' || c == '0';
}

static void apply_flag(struct spec *spec, char c)
{
	switch (c) {
	case '-':
		spec->left = true;
		break;
	case '+':
		spec->plus = true;
		break;
	case ' ':
		spec->space = true;
		break;
	case '#':
		spec->alt = true;
		break;
	default:
		spec->zero = true;
		break;
	}
}

/* Parses a decimal field; false if it does not fit in an int. */
static bool parse_number(const char **fmt, int *value)
{
	long long n = 0;

	while (**fmt >= '0' && **fmt <= '9') {
		n = n * 10 + (**fmt - '0');
		if (n > INT_MAX) {
			return false;
		}
		(*fmt)++;
	}
	*value = (int)n;
	return true;
}

static bool parse_width(const char **fmt, struct spec *spec, va_list *ap)
{
	if (**fmt != '*') {
		return parse_number(fmt, &spec->width);
	}
	(*fmt)++;
	spec->width = va_arg(*ap, int);
	if (spec->width < 0) {
		if (spec->width == INT_MIN) {
			return false;
		}
		spec->left = true;
		spec->width = -spec->width;
	}
	return true;
}

static bool parse_precision(const char **fmt, struct spec *spec, va_list *ap)
{
	if (**fmt != '.') {
		return true;
	}
	(*fmt)++;
	if (**fmt == '*') {
		(*fmt)++;
		spec->precision = va_arg(*ap, int);
		/* A negative precision argument counts as none. */
		if (spec->precision < 0) {
			spec->precision = -1;
		}
		return true;
	}
	return parse_number(fmt, &spec->precision);
}

static void parse_length(const char **fmt, struct spec *spec)
{
	const char *p = *fmt;

	switch (*p) {
	case 'h':
		spec->length = p[1] == 'h' ? LEN_CHAR : LEN_SHORT;
		p += p[1] == 'h' ? 2 : 1;
		break;
	case 'l':
		spec->length = p[1] == 'l' ? LEN_LONG_LONG : LEN_LONG;
		p += p[1] == 'l' ? 2 : 1;
		break;
	case 'z':
		spec->length = LEN_SIZE;
		p++;
		break;
	case 'j':
		spec->length = LEN_INTMAX;
		p++;
		break;
	case 't':
		spec->length = LEN_PTRDIFF;
		p++;
		break;
	default:
		spec->length = LEN_INT;
		break;
	}
	*fmt = p;
}

/* Parses the directive after '%'; false for a malformed or unsupported one. */
static bool parse_spec(const char **fmt, struct spec *spec, va_list *ap)
{
	*spec = (struct spec){.precision = -1};
	while (is_flag(**fmt)) {
		apply_flag(spec, **fmt);
		(*fmt)++;
	}
	if (!parse_width(fmt, spec, ap) || !parse_precision(fmt, spec, ap)) {
		return false;
	}
	parse_length(fmt, spec);
	spec->conversion = **fmt;
	if (spec->conversion == '\0' || strchr("diuxXopsc%", spec->conversion) == NULL) {
		return false;
	}
	/* Length modifiers only make sense on integer conversions here (no %lc/%ls). */
	if (spec->length != LEN_INT && strchr("diuxXo", spec->conversion) == NULL) {
		return false;
	}
	(*fmt)++;
	return true;
}

/* On x86-64 (LP64) long, long long, intmax_t, ptrdiff_t and size_t are all 64 bits with one
 * representation, so the 64-bit modifiers share one va_arg() per signedness. */
_Static_assert(sizeof(long) == 8 && sizeof(long long) == 8, "LP64");
_Static_assert(__builtin_types_compatible_p(intmax_t, long), "intmax_t is long");
_Static_assert(__builtin_types_compatible_p(ptrdiff_t, long), "ptrdiff_t is long");
_Static_assert(__builtin_types_compatible_p(size_t, unsigned long), "size_t is unsigned long");

static bool is_64_bit(enum length_mod length)
{
	return length == LEN_LONG || length == LEN_LONG_LONG || length == LEN_SIZE ||
	       length == LEN_INTMAX || length == LEN_PTRDIFF;
}

static int64_t fetch_signed(const struct spec *spec, va_list *ap)
{
	if (is_64_bit(spec->length)) {
		return va_arg(*ap, long);
	}
	switch (spec->length) {
	case LEN_CHAR:
		return (signed char)va_arg(*ap, int);
	case LEN_SHORT:
		return (short)va_arg(*ap, int);
	default:
		return va_arg(*ap, int);
	}
}

static uint64_t fetch_unsigned(const struct spec *spec, va_list *ap)
{
	if (is_64_bit(spec->length)) {
		return va_arg(*ap, unsigned long);
	}
	switch (spec->length) {
	case LEN_CHAR:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT:
		return (unsigned short)va_arg(*ap, unsigned int);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/* Writes the digits of value in base into the end of buf; returns how many. */
static size_t to_digits(uint64_t value, unsigned base, bool upper, char buf[MAX_DIGITS])
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t n = 0;

	while (value != 0) {
		buf[MAX_DIGITS - 1 - n] = digits[value % base];
		value /= base;
		n++;
	}
	return n;
}

/*
 * Emits [padding][sign or 0x prefix][zeros][digits][padding]. The '0' flag pads with zeros
 * between prefix and digits, unless a precision is given or the field is left-aligned.
 */
static void put_integer(struct sink *out, const struct spec *spec, uint64_t magnitude,
			const char *prefix, unsigned base)
{
	char buf[MAX_DIGITS];
	size_t ndigits = to_digits(magnitude, base, spec->conversion == 'X', buf);
	size_t prefix_len = strlen(prefix);
	size_t zeros = 0;
	size_t padding;

	if (spec->precision >= 0 && (size_t)spec->precision > ndigits) {
		zeros = (size_t)spec->precision - ndigits;
	} else if (spec->precision < 0 && ndigits == 0) {
		zeros = 1; /* the value 0 prints as "0" unless the precision is explicitly 0 */
	}
	/* '#' with octal: the first digit must be 0. */
	if (base == 8 && spec->alt && zeros == 0) {
		zeros = 1;
	}
	padding = padding_for(spec, prefix_len + zeros + ndigits);
	if (spec->zero && !spec->left && spec->precision < 0) {
		zeros += padding;
		padding = 0;
	}
	if (!spec->left) {
		put_repeat(out, ' ', padding);
	}
	put_bytes(out, prefix, prefix_len);
	put_repeat(out, '0', zeros);
	put_bytes(out, buf + MAX_DIGITS - ndigits, ndigits);
	if (spec->left) {
		put_repeat(out, ' ', padding);
	}
}

static void format_signed(struct sink *out, const struct spec *spec, va_list *ap)
{
	int64_t value = fetch_signed(spec, ap);
	uint64_t magnitude = value < 0 ? -(uint64_t)value : (uint64_t)value;
	const char *sign = "";

	if (value < 0) {
		sign = "-";
	} else if (spec->plus) {
		sign = "+";
	} else if (spec->space) {
		sign = " ";
	}
	put_integer(out, spec, magnitude, sign, 10);
}

static void format_unsigned(struct sink *out, const struct spec *spec, va_list *ap)
{
	uint64_t value = fetch_unsigned(spec, ap);
	const char *prefix = "";
	unsigned base = 10;

	if (spec->conversion == 'o') {
		base = 8;
	} else if (spec->conversion == 'x' || spec->conversion == 'X') {
		base = 16;
		if (spec->alt && value != 0) {
			prefix = spec->conversion == 'x' ? "0x" : "0X";
		}
	}
	put_integer(out, spec, value, prefix, base);
}

static void put_padded(struct sink *out, const struct spec *spec, const char *s, size_t n)
{
	size_t padding = padding_for(spec, n);

	if (!spec->left) {
		put_repeat(out, ' ', padding);
	}
	put_bytes(out, s, n);
	if (spec->left) {
		put_repeat(out, ' ', padding);
	}
}

/* Like glibc: NULL prints as "(nil)", others as 0x<hex>, with '+'/' ' giving a sign. */
static void format_pointer(struct sink *out, const struct spec *spec, va_list *ap)
{
	const void *p = va_arg(*ap, const void *);
	struct spec hex = *spec;
	const char *prefix = "0x";

	if (p == NULL) {
		put_padded(out, spec, "(nil)", 5);
		return;
	}
	if (spec->plus) {
		prefix = "+0x";
	} else if (spec->space) {
		prefix = " 0x";
	}
	hex.conversion = 'x';
	hex.alt = false;
	put_integer(out, &hex, (uintptr_t)p, prefix, 16);
}

static void format_string(struct sink *out, const struct spec *spec, va_list *ap)
{
	const char *s = va_arg(*ap, const char *);
	size_t n;

	/* Like glibc: "(null)", or nothing if the precision cannot hold all of it. */
	if (s == NULL) {
		s = spec->precision < 0 || spec->precision >= 6 ? "(null)" : "";
	}
	n = spec->precision >= 0 ? strnlen(s, (size_t)spec->precision) : strlen(s);
	put_padded(out, spec, s, n);
}

static void format_one(struct sink *out, const struct spec *spec, va_list *ap)
{
	char c;

	switch (spec->conversion) {
	case 'd':
	case 'i':
		format_signed(out, spec, ap);
		break;
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		format_unsigned(out, spec, ap);
		break;
	case 'p':
		format_pointer(out, spec, ap);
		break;
	case 's':
		format_string(out, spec, ap);
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		put_padded(out, spec, &c, 1);
		break;
	default:
		put_char(out, '%');
		break;
	}
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
	struct sink out = {.buf = buf, .size = size, .len = 0};
	const char *fmt_pos = fmt;
	va_list args;

	va_copy(args, ap);
	while (*fmt_pos != '\0') {
		const char *directive = fmt_pos;
		struct spec spec;

		if (*fmt_pos != '%') {
			put_char(&out, *fmt_pos++);
			continue;
		}
		fmt_pos++;
		if (parse_spec(&fmt_pos, &spec, &args)) {
			format_one(&out, &spec, &args);
			continue;
		}
		/* Unsupported: show the directive as written, then carry on after it. */
		fmt_pos = directive + 1;
		put_char(&out, '%');
	}
	va_end(args);
	if (size > 0) {
		buf[out.len < size ? out.len : size - 1] = '\0';
	}
	return out.len > INT_MAX ? -1 : (int)out.len;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

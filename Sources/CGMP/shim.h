// C shims for GMP's function-like macros, which Swift does not import.
// Object-like macros (mpz_add -> __gmpz_add) are not imported either: Swift code calls the
// double-underscore names directly.
#ifndef INTRS_CGMP_SHIM_H
#define INTRS_CGMP_SHIM_H
#include <gmp.h>

static inline int intrs_mpz_sgn(const mpz_t z) { return mpz_sgn(z); }
static inline int intrs_mpq_sgn(const mpq_t q) { return mpq_sgn(q); }
static inline mpz_ptr intrs_mpq_numref(mpq_ptr q) { return mpq_numref(q); }
static inline mpz_ptr intrs_mpq_denref(mpq_ptr q) { return mpq_denref(q); }
static inline mpz_srcptr intrs_mpq_numref_const(mpq_srcptr q) { return mpq_numref(q); }
static inline mpz_srcptr intrs_mpq_denref_const(mpq_srcptr q) { return mpq_denref(q); }
static inline int intrs_mpz_cmp_si(const mpz_t z, long v) { return mpz_cmp_si(z, v); }
static inline int intrs_mpz_cmp_ui(const mpz_t z, unsigned long v) { return mpz_cmp_ui(z, v); }
static inline int intrs_mpz_odd_p(const mpz_t z) { return mpz_odd_p(z); }
#endif

; KERN-1 / INT8-RESCALE, lane-wise double rounding (CIntRSKernels avx2.c, rescale_double_avx2): the AVX2
; lane formula equals TOSA apply_scale_32 with double_round = true, m = M0, s = 31 - shift.
; Check: z3 Proofs/int8-rescale-double-lanes.smt2   -> expect "unsat" (no counterexample exists).
; Differences from int8-rescale-double.smt2: SRDHM is computed as vpmuldq (exact 64-bit product), + 2^30,
; a LOGICAL 64-bit right shift by 31 (vpsrlq; the odd lanes use vpsllq by 1 and take the high dword, which
; is the same 32 bits) and the low 32 bits of the result; the RoundingDivideByPOT threshold uses a logical
; shift of the mask (vpsrld) and the comparisons are vpcmpgtd (signed).
;
; Variables: shift in [-31, 29]; v int32 satisfying TOSA's precondition v in [-2^(s-1), 2^(s-1));
; M0 in [2^30, 2^31). The 64-bit product p = v * M0 is kept symbolic (a fresh bit-vector constrained only by
; its sign and magnitude), which proves the statement for MORE values than occur; the single algebraic
; step used is sext(v << k) * sext(M0) = (v * M0) * 2^k for k = max(shift, 0), exact because
; |v * M0 * 2^k| < 2^61 under the precondition (Proofs/int8-rescale.md).
(set-logic QF_BV)
(declare-const shift (_ BitVec 64))
(declare-const v (_ BitVec 32))
(declare-const p (_ BitVec 64))
(define-fun s () (_ BitVec 64) (bvsub #x000000000000001f shift))
(assert (bvsge shift (bvneg #x000000000000001f)))
(assert (bvsle shift #x000000000000001d))
(define-fun v64 () (_ BitVec 64) ((_ sign_extend 32) v))
; TOSA precondition on v.
(define-fun half () (_ BitVec 64) (bvshl #x0000000000000001 (bvsub s #x0000000000000001)))
(assert (bvsge v64 (bvneg half)))
(assert (bvslt v64 half))
; p = v * M0 with M0 in [2^30, 2^31): sign of p follows v; 2^30 |v| <= |p| <= (2^31 - 1) |v|.
(define-fun absv () (_ BitVec 64) (ite (bvslt v64 #x0000000000000000) (bvneg v64) v64))
(define-fun absp () (_ BitVec 64) (ite (bvslt p #x0000000000000000) (bvneg p) p))
(assert (= (bvslt p #x0000000000000000) (bvslt v64 #x0000000000000000)))
(assert (bvuge absp (bvmul absv #x0000000040000000)))
(assert (bvule absp (bvmul absv #x000000007fffffff)))
; --- TOSA apply_scale_32(v, m, s, double_round = true) ---
(define-fun round0 () (_ BitVec 64) (bvshl #x0000000000000001 (bvsub s #x0000000000000001)))
(define-fun round1 () (_ BitVec 64)
  (ite (bvsgt s #x000000000000001f)
       (ite (bvsge v64 #x0000000000000000) (bvadd round0 #x0000000040000000) (bvsub round0 #x0000000040000000))
       round0))
(define-fun tosa64 () (_ BitVec 64) (bvashr (bvadd p round1) s))
; --- lane: h = low32(lshr(ab + 2^30, 31)); then RoundingDivideByPOT with vpsravd ---
(define-fun left () (_ BitVec 64) (ite (bvsgt shift #x0000000000000000) shift #x0000000000000000))
(define-fun right () (_ BitVec 32) ((_ extract 31 0) (ite (bvsgt shift #x0000000000000000) #x0000000000000000 (bvneg shift))))
(define-fun ab () (_ BitVec 64) (bvshl p left))
(define-fun h () (_ BitVec 32) ((_ extract 31 0) (bvlshr (bvadd ab #x0000000040000000) #x000000000000001f)))
(define-fun mask () (_ BitVec 32) (bvsub (bvshl #x00000001 right) #x00000001))
(define-fun rem () (_ BitVec 32) (bvand h mask))
(define-fun threshold () (_ BitVec 32) (bvadd (bvlshr mask #x00000001) (ite (bvslt h #x00000000) #x00000001 #x00000000)))
(define-fun lane () (_ BitVec 32) (bvadd (bvashr h right) (ite (bvsgt rem threshold) #x00000001 #x00000000)))
(assert (not (= tosa64 ((_ sign_extend 32) lane))))
(check-sat)

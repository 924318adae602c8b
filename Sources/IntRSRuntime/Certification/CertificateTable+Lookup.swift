import IntRSCore

extension CertificateTable: CertificateLookup {
    /// N, the number of estimation samples the table was built for.
    public var estimationSamples: Int { configuration.estimationSamples }

    /// The certified squared-radius bound for the estimation count `nA`: nil to abstain, otherwise n* such
    /// that every integer delta with |delta|^2 < n* is certified (see ``CertificateTable``).
    /// Integer comparisons only (binary search over `steps`).
    ///
    /// Equals the reference `CertificateTableBuilder.referenceLookup(thresholds:dimension:eta:lowerBound:)`
    /// (IntRSReference), which recomputes the answer for one count from the exact Clopper–Pearson bound and
    /// the thresholds M(n) of the radius analysis, without steps or binary search (Proofs: TAB-2); the
    /// `certificate-tables` vector suite and `CertificateTableTests` check the two agree for every nA.
    public func certifiedNorm2Bound(nA: Int) -> Int? {
        var lo = 0, hi = steps.count // first index with minCount > nA
        while lo < hi {
            let mid = (lo + hi) / 2
            if steps[mid].minCount <= nA { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : steps[lo - 1].norm2Bound
    }
}

/// The IntRS version, recorded as the generator version in every vector file and run record.
/// Bump the minor number whenever generated vectors change.
public enum IntRSVersion {
    public static let string = "0.1.0"
}

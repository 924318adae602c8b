/// The registry of vector suites. Each area adds its suites here (one line each).
public enum VectorSuites {
    public static let all: [any VectorSuite.Type] = [
    ]
}

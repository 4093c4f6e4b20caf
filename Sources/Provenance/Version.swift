/// Version of the camflow userspace tools (`cf:l_version` in W3C output).
public enum CamflowVersion {
    /// Semantic version, without a leading "v".
    public static let string = "0.1.0"
}

import Foundation

/// One part of a `multipart/form-data` body: a plain field, or a file when `filename` is set.
public struct MultipartPart: Sendable, Equatable {
    public var name: String
    public var data: Data
    public var filename: String?
    public var contentType: String?

    public init(name: String, data: Data, filename: String? = nil, contentType: String? = nil) {
        self.name = name
        self.data = data
        self.filename = filename
        self.contentType = contentType
    }

    /// A plain text field.
    public init(name: String, value: String) {
        self.init(name: name, data: Data(value.utf8))
    }
}

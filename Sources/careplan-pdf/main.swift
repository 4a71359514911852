import CareplanCore
import CareplanExport
import CareplanPDF
import Foundation

// careplan-pdf: draws a plan as PDF with Pango and Cairo, for careplan (see PDFProgram). Reads one
// PDFProgram.Request as JSON on standard input, writes the PDF to standard output; on failure, says why on
// standard error and exits 1. It holds no store and writes no file: patient data only passes through.
do {
    let request = try JSONDecoder().decode(PDFProgram.Request.self, from: FileHandle.standardInput.readDataToEndOfFile())
    let pdf = try PDFRenderer.render(request.layout, paper: request.paper)
    try FileHandle.standardOutput.write(contentsOf: pdf)
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}

import CareplanCore
import Foundation

/// A report (issue 15) on paper: its title, period, team and definition, the table, its charts and notes, as
/// a `PrintLayout` the text and PDF renderers walk like a plan's. A report counts and names no patient, so
/// its pages carry no identity header; the footer says when it was produced, beside "page N of M".
public enum ReportPrint {
    /// The report as printed pages lay it out. `producedAt` is the only clock read: the same report at the same
    /// time gives the same layout.
    public static func layout(_ report: ReportTable, producedAt: Date, largePrint: Bool = false) -> PrintLayout {
        let period = "\(report.from.display) to \(report.to.display)"
        let produced = PlanDocument.timeText(producedAt)
        var about: [Block] = [.fields([
            Field("Period", period + " (both days included)"),
            Field("Team", report.team ?? "every team"),
            Field("Produced", produced),
            Field("Report", "careplan report \(report.report)"),
        ])]
        about.append(.subheading("What counts"))
        about.append(.paragraph(report.definition))
        var sections = [Section(title: "About this report", blocks: about)]
        sections.append(Section(title: "Figures", blocks: report.rows.isEmpty ? [.remark("Nothing was counted in this period.")] : [.table(table(report))]))
        if !report.charts.isEmpty {
            sections.append(Section(title: "Charts", blocks: report.charts.map(Block.chart)))
        }
        if !report.notes.isEmpty {
            sections.append(Section(title: "Notes", blocks: report.notes.map(Block.paragraph)))
        }
        var layout = PrintLayout(title: report.title, identity: nil, isDraft: false, version: 1, status: "Report · \(period)",
                                 stamp: producedAt, footerLine: "\(report.title) · \(report.team ?? "every team") · produced \(produced)",
                                 sections: sections)
        layout.largePrint = largePrint
        return layout
    }

    /// The report as a PDF, drawn by `careplan-pdf` as every other export is.
    public static func pdf(_ report: ReportTable, paper: Paper = .a4, producedAt: Date, largePrint: Bool = false) throws -> Data {
        try PDFProgram.render(layout(report, producedAt: producedAt, largePrint: largePrint), paper: paper)
    }

    /// The report as plain text, 80 columns, with the charts given as figures.
    public static func text(_ report: ReportTable, producedAt: Date) -> String {
        TextRenderer.render(layout(report, producedAt: producedAt))
    }

    /// The report's table: labels get twice the room of figures; figures align right.
    static func table(_ report: ReportTable) -> Table {
        let weights = report.columns.map { $0.kind == .text ? 2.0 : 1.0 }
        let total = weights.reduce(0, +)
        return Table(columns: zip(report.columns, weights).map { c, w in
                         Column(c.name, weight: w / total, align: c.kind == .text ? .left : .right)
                     },
                     rows: report.rows.map { $0.map { $0.written(percent: "%") } })
    }
}

@_exported import TermUI

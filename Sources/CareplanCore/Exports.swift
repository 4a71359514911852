@_exported import CareplanText

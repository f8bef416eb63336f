import chisel3._
import chisel3.util._

class OneHotCodec extends Module {
  val io = IO(new Bundle {
    val idx = Input(UInt(3.W))
    val en = Input(Bool())
    val oh = Output(UInt(8.W))
    val ohIn = Input(UInt(8.W))
    val idxOut = Output(UInt(3.W))
  })

  val idxWidth = io.idx.getWidth
  val ohWidth = io.oh.getWidth

  // Decoder (one-hot with bit idx set) when en is true, else 0
  val oh = IO(UInt(ohWidth.W)).asUInt
  when(io.en) {
    oh := UIntToOH(io.idx, ohWidth)
  }

  // Encoder (index of the set bit, assuming exactly one) using OHToUInt
  val idxOut = OHToUInt(io.ohIn)
  io.idxOut := idxOut
}

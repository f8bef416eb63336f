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

  val ohEn = UIntToOH(io.en, 8)
  val idxOut = OHToUInt(io.ohIn)
  io.oh := ohEn & io.idx
}

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

  val ohValue = if (io.en) io.idx else 0.U(8.W)
  io.oh := ohValue
  io.idxOut := OHToUInt(io.ohIn)
}

import chisel3._
import chisel3.util.UIntToOH
import chisel3.util.OHToUInt

class OneHotCodec extends Module {
  val io = IO(new Bundle {
    val idx = Input(UInt(3.W))
    val en = Input(Bool())
    val oh = Output(UInt(8.W))
    val ohIn = Input(UInt(8.W))
    val idxOut = Output(UInt(3.W))
  })

  when(io.en) {
    io.oh := UIntToOH(io.idx, 8)
    io.idxOut := OHToUInt(io.ohIn)
  } .otherwise {
    io.oh := 0.U
    io.idxOut := 0.U
  }
}

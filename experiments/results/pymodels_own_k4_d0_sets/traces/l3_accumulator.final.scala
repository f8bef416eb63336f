import chisel3._
import chisel3.util._

class Acc16 extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool())
    val clear = Input(Bool())
    val in = Input(UInt(8.W))
    val sum = Output(UInt(16.W))
  })

  val holdReg = RegInit(0.U(16.W))
  when(io.en && !io.clear) {
    holdReg := holdReg + io.in.asUInt
  }
  io.sum := holdReg
}

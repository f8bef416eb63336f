import chisel3._
import chisel3.util._

class CounterMod100 extends Module {
  val io = IO(new Bundle {
    val enable = Input(Bool())
    val count = Output(UInt(8.W))
  })
  val wrap = RegInit(0.U(8.W))
  when(io.enable && wrap < 9.U) { wrap := wrap + 1.U }
  io.count := wrap
}

import chisel3._
import chisel3.util._

class Counter8bit extends Module {
  val io = IO(new Bundle {
    val en    = Input(Bool())
    val count = Output(UInt(8.W))
  })
  val reg = RegInit(0.U(8.W))
  when(io.en && reg < 255.U) { reg := reg + 1.U }
  io.count := reg
}

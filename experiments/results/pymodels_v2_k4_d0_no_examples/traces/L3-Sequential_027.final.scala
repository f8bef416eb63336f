import chisel3._
import chisel3.util._

class Counter4bit extends Module {
  val io = IO(new Bundle {
    val en   = Input(Bool())
    val count = Output(UInt(4.W))
  })
  val prev  = RegNext(io.en, false.B)
  val count = RegInit(0.U(4.W))
  when(io.en && !prev) { count := count + 1.U }
  io.count := count
}

import chisel3._
import chisel3.util._

class AddCarry8 extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(8.W))
    val b    = Input(UInt(8.W))
    val cin  = Input(Bool())
    val sum = Output(UInt(8.W))
    val cout = Output(Bool())
  })
  val full = io.a +& io.b + io.cin  // +& keeps the carry: 8 bits
  io.sum := full(7, 0)
  io.cout := full(8)
}

import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val x   = Input(UInt(4.W))
    val y   = Input(UInt(4.W))
    val sum = Output(UInt(5.W))
  })
  val adder = Module(new Adder(4))
  adder.io.a := io.x
  adder.io.b := io.y
  io.sum := adder.io.sum
}

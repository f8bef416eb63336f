import chisel3._
import chisel3.util._

class Adder8bit extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(8.W))
    val b    = Input(UInt(8.W))
    val sum  = Output(UInt(9.W))
  })
  val adder = new Adder8bit8bit() // Change the class name here
  io.sum := adder.sum
}

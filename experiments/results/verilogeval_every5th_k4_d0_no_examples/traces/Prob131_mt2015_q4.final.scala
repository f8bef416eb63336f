import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val x = Input(UInt(8.W))
    val y = Input(UInt(8.W))
    val z = Output(UInt(1.W))
  })

  val a1 = Module(new A)
  val a2 = Module(new A)
  val b1 = Module(new B)
  val b2 = Module(new B)

  a1.io.x := io.x
  a1.io.y := io.y
  a2.io.x := io.x
  a2.io.y := io.y
  b1.io.x := io.x
  b1.io.y := io.y
  b2.io.x := io.x
  b2.io.y := io.y

  io.z := a1.io.out | a2.io.out & b1.io.out & b2.io.out
}
